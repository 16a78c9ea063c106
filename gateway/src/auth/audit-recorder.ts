import { randomUUID } from 'node:crypto';
import {
  accountResourceName,
  appendAuditRecord,
  auditDecision,
  auditIdentity,
  redactSecrets,
  type AuditRecord,
  type AuditResult,
  type JsonValue,
  type Principal,
} from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import type { FieldCall } from './authorize-operation';

/** Where a call came from, as the audit trail keeps it. */
export interface CallOrigin {
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string;
  time: Date;
}

/** The account whose trail holds failed authentications (nobody is known to have called). */
export const ANONYMOUS_AUDIT_ACCOUNT = 'default';

/** Operation recorded for a request refused before any field was read: no token, or a bad one. */
export const AUTHENTICATE_OPERATION = 'sluice:Authenticate';

export interface AuditRecorder {
  /** Records what happened to each call; reads only when `auditReads` (denied reads always). */
  recordCalls(principal: Principal, calls: readonly FieldCall[], results: ReadonlyMap<string, AuditResult>, origin: CallOrigin): Promise<void>;
  /** A request refused at authentication (principal "anonymous", decision ImplicitDeny). */
  recordRefusedAuthentication(reason: string, origin: CallOrigin): Promise<void>;
}

/** Request parameters as JSON (GraphQL inputs are), secrets and the credentials of URLs in any string redacted. */
function parametersOf(args: Record<string, unknown>): { [key: string]: JsonValue } {
  const json = JSON.parse(JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? '{}') as { [key: string]: JsonValue };
  return redactSecrets(json);
}

/**
 * Audit records appended to the hash-chained trail of the account acted in (`appendAuditRecord` of
 * `@sluice/authz`), awaited before the answer goes out: a call the client saw answered is in the trail.
 */
export function storeAuditRecorder(store: EventStore, options: { auditReads: boolean }): AuditRecorder {
  const base = (origin: CallOrigin) => ({
    id: randomUUID(),
    time: origin.time.toISOString(),
    sourceIp: origin.sourceIp,
    userAgent: origin.userAgent,
    requestId: origin.requestId,
  });
  return {
    async recordCalls(principal, calls, results, origin) {
      const records: AuditRecord[] = [];
      for (const call of calls) {
        const result: AuditResult = call.refusal ? refusalResult(call) : (results.get(call.responseKey) ?? { status: 'succeeded' });
        if (call.readOnly && !options.auditReads && result.status !== 'denied') continue;
        records.push({
          ...base(origin),
          ...auditIdentity(principal),
          operation: call.action,
          resource: call.resource,
          requestParameters: parametersOf(call.args),
          ...(call.decision ? auditDecision(call.decision) : { decision: 'Allow' as const, decidingStatement: null }),
          result,
        });
      }
      await Promise.all(records.map((record) => appendAuditRecord(store, record)));
    },
    async recordRefusedAuthentication(reason, origin) {
      await appendAuditRecord(store, {
        ...base(origin),
        principal: { id: 'anonymous', account: ANONYMOUS_AUDIT_ACCOUNT },
        viaRole: null,
        operation: AUTHENTICATE_OPERATION,
        resource: accountResourceName(ANONYMOUS_AUDIT_ACCOUNT),
        requestParameters: { reason },
        decision: 'ImplicitDeny',
        decidingStatement: null,
        result: { status: 'denied' },
      });
    },
  };
}

function refusalResult(call: FieldCall): AuditResult {
  const code = call.refusal?.extensions.code;
  return code === 'FORBIDDEN' ? { status: 'denied' } : { status: 'failed', errorCode: typeof code === 'string' ? code : 'BAD_USER_INPUT' };
}
