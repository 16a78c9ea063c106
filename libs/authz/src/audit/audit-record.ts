import type { DecidingStatement, DecisionKind } from '../evaluation/decision';
import type { PrincipalRef } from '../evaluation/principal';
import type { JsonValue } from './canonical-json';

/**
 * What happened to a call after authorization. `attempted`: recorded before the call ran, so that no effect
 * happens unrecorded (decision 0028); its outcome follows in a record whose `resultOf` names this one.
 */
export type AuditResult = { status: 'succeeded' } | { status: 'failed'; errorCode: string } | { status: 'denied' } | { status: 'attempted' };

/** One API call, as CloudTrail would record it. Only JSON values: the record is hashed over its canonical JSON. */
export interface AuditRecord {
  /** Unique per record (the event id), so two identical calls still hash differently. */
  id: string;
  /** ISO 8601 instant of the call. */
  time: string;
  /** Who called: the original principal, even when acting through a role. */
  principal: PrincipalRef;
  /** The role the call was made through, when it was a role session. */
  viaRole: PrincipalRef | null;
  /** The catalogue action, e.g. `sluice:PutApprovalResult`. */
  operation: string;
  resource: string;
  /** The request's parameters after `redactSecrets`. */
  requestParameters: { readonly [key: string]: JsonValue };
  decision: DecisionKind;
  decidingStatement: DecidingStatement | null;
  result: AuditResult;
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string;
  /** On the outcome of a call recorded as `attempted` first: the id of that attempt record. */
  resultOf?: string;
}

/** How a record's hash is made: HMAC-SHA256 under the audit chain key. Records without it are from before the chain was keyed. */
export const KEYED_CHAIN = 'hmac-sha256' as const;

export interface ChainedAuditRecord extends AuditRecord {
  /** `hmac-sha256` on every record written since decision 0028; absent on the unkeyed records before. */
  chain?: typeof KEYED_CHAIN;
  /** Hash of the record before this one in the trail; null for the first. */
  previousHash: string | null;
  /**
   * HMAC-SHA256 (hex), under the audit chain key, of the canonical JSON of this record with `chain` and
   * `previousHash` and without `hash`; for a record without `chain`, plain SHA-256 of the same.
   */
  hash: string;
}
