import { auditRecordHash, chainAuditRecord, verifyAuditChain } from './audit-chain';
import type { AuditRecord, ChainedAuditRecord } from './audit-record';

function record(index: number): AuditRecord {
  return {
    id: `evt-${index}`,
    time: `2026-06-01T12:00:0${index}.000Z`,
    principal: { id: 'bob', account: 'globex' },
    viaRole: { id: 'deployer', account: 'acme' },
    operation: 'sluice:PutApprovalResult',
    resource: 'srn:sluice:acme:web/Deploy/Approve',
    requestParameters: { pipelineName: 'web', result: { status: 'Approved', summary: `ok ${index}` }, token: '***' },
    decision: 'Allow',
    decidingStatement: { policyName: 'Operator', sid: 'Approve', index: 0 },
    result: index === 3 ? { status: 'failed', errorCode: 'ApprovalAlreadyCompleted' } : { status: 'succeeded' },
    sourceIp: '203.0.113.7',
    userAgent: 'sluice-cli/1.0',
    requestId: `req-${index}`,
  };
}

function chain(count: number): ChainedAuditRecord[] {
  const records: ChainedAuditRecord[] = [];
  for (let index = 0; index < count; index++) records.push(chainAuditRecord(records.at(-1)?.hash ?? null, record(index)));
  return records;
}

/** Sets a value at a dotted path in a deep copy. */
function tampered(records: ChainedAuditRecord[], index: number, path: string, value: unknown): ChainedAuditRecord[] {
  const copy: ChainedAuditRecord[] = structuredClone(records);
  const keys = path.split('.');
  let target = copy[index] as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]] = value;
  return copy;
}

describe('the audit hash chain', () => {
  const trail = chain(6);

  it('links each record to the one before and verifies', () => {
    expect(trail[0].previousHash).toBeNull();
    for (let index = 1; index < trail.length; index++) expect(trail[index].previousHash).toBe(trail[index - 1].hash);
    for (const link of trail) expect(link.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyAuditChain(trail)).toEqual({ ok: true, count: 6 });
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0 });
  });

  it('hashes the same record the same whatever the order of its keys', () => {
    const reordered = Object.fromEntries(Object.entries(record(1)).reverse()) as unknown as AuditRecord;
    expect(chainAuditRecord('abc', reordered).hash).toBe(chainAuditRecord('abc', record(1)).hash);
  });

  it('re-chains a record that already carries chain fields from their values, not the stale ones', () => {
    expect(chainAuditRecord(trail[0].hash, { ...trail[1], previousHash: 'forged', hash: 'forged' } as AuditRecord)).toEqual(trail[1]);
  });

  it.each([
    ['id', 'evt-x'],
    ['time', '2026-06-01T13:00:00.000Z'],
    ['principal.id', 'mallory'],
    ['principal.account', 'initech'],
    ['viaRole', null],
    ['operation', 'sluice:DeletePipeline'],
    ['resource', 'srn:sluice:acme:prod/Deploy/Approve'],
    ['requestParameters.result.status', 'Rejected'],
    ['requestParameters.extra', 'added'],
    ['decision', 'ExplicitDeny'],
    ['decidingStatement.sid', 'Other'],
    ['decidingStatement', null],
    ['result', { status: 'succeeded' }],
    ['sourceIp', '198.51.100.1'],
    ['userAgent', 'curl/8'],
    ['requestId', 'req-x'],
    ['previousHash', '0'.repeat(64)],
    ['hash', 'f'.repeat(64)],
  ])('detects a change to %s of one record, naming that record', (path, value) => {
    expect(verifyAuditChain(tampered(trail, 3, path, value))).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('detects a record rewritten with a recomputed hash at the record after it', () => {
    const rewritten = tampered(trail, 2, 'decision', 'Allow');
    rewritten[2] = chainAuditRecord(trail[1].hash, { ...rewritten[2], operation: 'sluice:DeletePipeline' });
    expect(verifyAuditChain(rewritten)).toMatchObject({ ok: false, brokenAt: 3, reason: 'previous_hash_mismatch' });
  });

  it.each([
    ['the first record deleted', trail.slice(1), 0],
    ['a middle record deleted', [...trail.slice(0, 2), ...trail.slice(3)], 2],
    ['two records swapped', [trail[0], trail[2], trail[1], ...trail.slice(3)], 1],
    ['the trail reversed', [...trail].reverse(), 0],
    ['a record repeated', [...trail.slice(0, 3), trail[2], ...trail.slice(3)], 3],
    ['a forged record inserted', [...trail.slice(0, 2), chainAuditRecord(trail[1].hash, record(9)), ...trail.slice(2)], 3],
  ])('names the first broken link when %s', (_label, records, brokenAt) => {
    expect(verifyAuditChain(records)).toMatchObject({ ok: false, brokenAt, reason: 'previous_hash_mismatch' });
  });

  it('verifies a page of the trail from the hash before it', () => {
    expect(verifyAuditChain(trail.slice(3), { previousHash: trail[2].hash })).toEqual({ ok: true, count: 3 });
    expect(verifyAuditChain(trail.slice(3), { previousHash: trail[1].hash })).toMatchObject({ ok: false, brokenAt: 0 });
  });

  it('exposes the hash function verification uses', () => {
    expect(auditRecordHash(trail[4])).toBe(trail[4].hash);
  });
});
