import type { DecidingStatement, DecisionKind } from '../evaluation/decision';
import type { PrincipalRef } from '../evaluation/principal';
import type { JsonValue } from './canonical-json';

/** What happened to a call after authorization. */
export type AuditResult = { status: 'succeeded' } | { status: 'failed'; errorCode: string } | { status: 'denied' };

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
}

export interface ChainedAuditRecord extends AuditRecord {
  /** Hash of the record before this one in the trail; null for the first. */
  previousHash: string | null;
  /** sha256 (hex) of the canonical JSON of this record with `previousHash` and without `hash`. */
  hash: string;
}
