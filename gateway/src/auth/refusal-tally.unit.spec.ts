import type { AuditRecord } from '@sluice/authz';
import type { CallOrigin } from './audit-recorder';
import { RefusalTally, stableReason, type Refusal } from './refusal-tally';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const origin = (ip: string, at: number, requestId = `r-${at}`): CallOrigin => ({ sourceIp: ip, userAgent: 'curl', requestId, time: new Date(at) });
const noToken: Refusal = { code: 'UNAUTHENTICATED', surface: '/graphql', reason: 'no token', message: 'Unauthenticated: no token: send …' };
const alice = { id: 'alice', account: 'acme', policies: [] };

function tally(options: { maxKeys?: number; now?: () => number } = {}) {
  const written: AuditRecord[] = [];
  const logged: string[] = [];
  let now = options.now ?? (() => T0 + 10 * MINUTE);
  const counted = new RefusalTally({ flushMs: MINUTE, maxKeys: options.maxKeys ?? 100, write: async (record) => void written.push(record), log: (line) => logged.push(line), now: () => now() });
  return { counted, written, logged, setNow: (f: () => number) => void (now = f) };
}

describe('RefusalTally', () => {
  it('writes ONE record per source, reason and minute for a flood, with the count', async () => {
    const { counted, written } = tally();
    for (let i = 0; i < 20_000; i++) counted.count(noToken, origin('10.0.0.1', T0 + (i % 50_000)));
    counted.count({ ...noToken, reason: 'malformed Authorization header' }, origin('10.0.0.1', T0 + 1));
    counted.count(noToken, origin('10.0.0.2', T0 + 2));
    counted.count(noToken, origin('10.0.0.1', T0 + MINUTE + 5));
    expect(counted.pending).toBe(4);
    await counted.flush();
    expect(written.map((r) => [r.sourceIp, r.requestParameters.reason, r.requestParameters.count, r.requestParameters.from])).toEqual([
      ['10.0.0.1', 'no token', 20_000, new Date(T0).toISOString()],
      ['10.0.0.1', 'malformed Authorization header', 1, new Date(T0).toISOString()],
      ['10.0.0.2', 'no token', 1, new Date(T0).toISOString()],
      ['10.0.0.1', 'no token', 1, new Date(T0 + MINUTE).toISOString()],
    ]);
    expect(written[0]).toMatchObject({
      principal: { id: 'anonymous', account: 'default' },
      viaRole: null,
      operation: 'sluice:Authenticate',
      resource: 'srn:sluice:default:',
      decision: 'ImplicitDeny',
      result: { status: 'denied' },
      userAgent: 'curl',
      requestId: `r-${T0}`,
      requestParameters: { code: 'UNAUTHENTICATED', surface: '/graphql', until: new Date(T0 + MINUTE).toISOString(), lastAt: new Date(T0 + 19_999).toISOString() },
    });
    expect(counted.pending).toBe(0);
  });

  it('writes only the minutes that are over, unless told to write all (stop does)', async () => {
    const { counted, written, setNow } = tally();
    setNow(() => T0 + 30_000);
    counted.count(noToken, origin('10.0.0.1', T0));
    await counted.flush();
    expect(written).toEqual([]);
    setNow(() => T0 + MINUTE);
    await counted.flush();
    expect(written).toHaveLength(1);
    counted.count(noToken, origin('10.0.0.1', T0 + MINUTE + 1));
    await counted.stop();
    expect(written).toHaveLength(2);
  });

  it('counts under the principal when known, in its trail; a role session under whoever assumed it, in the role’s account', async () => {
    const { counted, written } = tally();
    const limited: Refusal = { code: 'QUERY_TOO_COMPLEX', surface: '/graphql', reason: 'over SLUICE_GRAPHQL_MAX_ALIASES', message: 'Query too complex: …' };
    counted.count(limited, origin('10.0.0.1', T0), alice);
    counted.count(limited, origin('10.0.0.9', T0 + 1), alice);
    counted.count(limited, origin('10.0.0.1', T0 + 2), { id: 'deployer', account: 'acme', policies: [], assumedBy: { id: 'bob', account: 'globex' } });
    await counted.flush();
    expect(written.map((r) => [r.principal, r.viaRole, r.resource, r.operation, r.result, r.requestParameters.count])).toEqual([
      [{ id: 'alice', account: 'acme' }, null, 'srn:sluice:acme:', 'sluice:AdmitRequest', { status: 'failed', errorCode: 'QUERY_TOO_COMPLEX' }, 2],
      [{ id: 'bob', account: 'globex' }, { id: 'deployer', account: 'acme' }, 'srn:sluice:acme:', 'sluice:AdmitRequest', { status: 'failed', errorCode: 'QUERY_TOO_COMPLEX' }, 1],
    ]);
  });

  it('holds at most maxKeys keys; beyond, refusals are only counted, in one overflow record', async () => {
    const { counted, written } = tally({ maxKeys: 3 });
    for (let i = 0; i < 1000; i++) counted.count(noToken, origin(`10.0.${Math.floor(i / 250)}.${i % 250}`, T0 + i));
    expect(counted.pending).toBe(3);
    await counted.flush();
    expect(written).toHaveLength(4);
    expect(written[3]!.requestParameters).toMatchObject({ code: 'OVERFLOW', count: 997, reason: expect.stringContaining('SLUICE_AUDIT_REFUSALS_MAX_KEYS (3)') });
  });

  it('keeps long reasons and messages short', async () => {
    const { counted, written } = tally();
    counted.count({ ...noToken, reason: 'r'.repeat(500), message: 'm'.repeat(5000) }, origin('10.0.0.1', T0));
    await counted.flush();
    expect([(written[0]!.requestParameters.reason as string).length, (written[0]!.requestParameters.message as string).length]).toEqual([120, 300]);
  });

  it('logs a record it could not write, with what it held', async () => {
    const logged: string[] = [];
    const failing = new RefusalTally({ flushMs: MINUTE, maxKeys: 10, write: () => Promise.reject(new Error('store down')), log: (line) => logged.push(line), now: () => T0 + 2 * MINUTE });
    failing.count(noToken, origin('10.0.0.1', T0));
    await failing.flush();
    expect(logged).toEqual(['gateway: could not record 1 refused request(s) (UNAUTHENTICATED, no token) from 10.0.0.1: store down']);
  });
});

describe('stableReason', () => {
  it.each([
    ['InvalidSignatureException: Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z', 'InvalidSignatureException: Signature expired'],
    ['InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your key.', 'InvalidSignatureException: The request signature we calculated does not match the signature you provided'],
    ["IncompleteSignatureException: Credential date '2025' must be YYYYMMDD.", 'IncompleteSignatureException: Credential date'],
    ['UnrecognizedClientException: The security token included in the request is invalid.', 'UnrecognizedClientException: The security token included in the request is invalid'],
  ])('%s', (message, reason) => expect(stableReason(message)).toBe(reason));
});
