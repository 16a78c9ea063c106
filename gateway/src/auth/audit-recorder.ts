import { randomUUID } from 'node:crypto';
import {
  accountResourceName,
  appendAuditRecord,
  auditDecision,
  auditIdentity,
  redactSecrets,
  type AuditChainKeySource,
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
  /**
   * Before an allowed operation runs: one `attempted` record per call that may change something (reads
   * change nothing and are recorded once, after), appended and durable when this resolves. It rejects when
   * the trail cannot be written, and the operation must then not run (decision 0028). Resolves with each
   * recorded call's attempt record id, by response key, for `recordCalls`.
   */
  recordAttempts(principal: Principal, calls: readonly FieldCall[], origin: CallOrigin): Promise<ReadonlyMap<string, string>>;
  /**
   * Records what happened to each call; reads only when `auditReads` (denied reads always). A call in
   * `attempts` gets its outcome as a second record whose `resultOf` names the attempt.
   */
  recordCalls(principal: Principal, calls: readonly FieldCall[], results: ReadonlyMap<string, AuditResult>, origin: CallOrigin, attempts?: ReadonlyMap<string, string>): Promise<void>;
  /** A request refused at authentication (principal "anonymous", decision ImplicitDeny). */
  recordRefusedAuthentication(reason: string, origin: CallOrigin): Promise<void>;
}

/** Request parameters as JSON (GraphQL inputs are), secrets and the credentials of URLs in any string redacted. */
function parametersOf(field: string, args: Record<string, unknown>): { [key: string]: JsonValue } {
  const json = JSON.parse(JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? '{}') as { [key: string]: JsonValue };
  return redactSecrets(json, SECRET_VALUE_FIELDS.has(field) ? ['value'] : []);
}

/** The fields whose `value` argument is a secret's value (decision 0043): never in the trail. */
const SECRET_VALUE_FIELDS: ReadonlySet<string> = new Set(['createSecret', 'putSecretValue']);

/**
 * Audit records appended to the keyed hash chain of the account acted in (`appendAuditRecord` of
 * `@sluice/authz`): a change is recorded as attempted before any subgraph hears of it, and its outcome
 * after, awaited before the answer goes out.
 */
export function storeAuditRecorder(store: EventStore, options: { auditReads: boolean; key?: AuditChainKeySource }): AuditRecorder {
  const append = (record: AuditRecord) => appendAuditRecord(store, record, options.key ? { key: options.key } : {});
  const base = (origin: CallOrigin) => ({
    id: randomUUID(),
    time: origin.time.toISOString(),
    sourceIp: origin.sourceIp,
    userAgent: origin.userAgent,
    requestId: origin.requestId,
  });
  const callRecord = (principal: Principal, call: FieldCall, origin: CallOrigin, result: AuditResult): AuditRecord => ({
    ...base(origin),
    ...auditIdentity(principal),
    operation: call.action,
    resource: call.resource,
    requestParameters: parametersOf(call.field, call.args),
    ...(call.decision ? auditDecision(call.decision) : { decision: 'Allow' as const, decidingStatement: null }),
    result,
  });
  return {
    async recordAttempts(principal, calls, origin) {
      const attempts = calls.filter((call) => !call.readOnly && !call.refusal).map((call) => ({ call, record: callRecord(principal, call, origin, { status: 'attempted' }) }));
      await Promise.all(attempts.map(({ record }) => append(record)));
      return new Map(attempts.map(({ call, record }) => [call.responseKey, record.id]));
    },
    async recordCalls(principal, calls, results, origin, attempts) {
      const records: AuditRecord[] = [];
      for (const call of calls) {
        const result: AuditResult = call.refusal ? refusalResult(call) : (results.get(call.responseKey) ?? { status: 'succeeded' });
        const attempt = attempts?.get(call.responseKey);
        if (call.readOnly && !options.auditReads && result.status !== 'denied' && attempt === undefined) continue;
        records.push({ ...callRecord(principal, call, origin, result), ...(attempt !== undefined ? { resultOf: attempt } : {}) });
      }
      await Promise.all(records.map(append));
    },
    async recordRefusedAuthentication(reason, origin) {
      await append({
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
