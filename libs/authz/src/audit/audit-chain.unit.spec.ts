import { createHash } from 'node:crypto';
import { TEST_AUDIT_KEY as KEY } from '../testing/audit-key';
import { auditRecordHash, chainAuditRecord, legacyEndOf, verifyAuditChain } from './audit-chain';
import { auditChainKey } from './audit-chain-key';
import type { AuditRecord, ChainedAuditRecord } from './audit-record';
import { canonicalJson } from './canonical-json';

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
  for (let index = 0; index < count; index++) records.push(chainAuditRecord(records.at(-1)?.hash ?? null, record(index), KEY));
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
    expect(verifyAuditChain(trail, { key: KEY })).toEqual({ ok: true, count: 6 });
    expect(verifyAuditChain([], { key: KEY })).toEqual({ ok: true, count: 0 });
  });

  it('hashes the same record the same whatever the order of its keys', () => {
    const reordered = Object.fromEntries(Object.entries(record(1)).reverse()) as unknown as AuditRecord;
    expect(chainAuditRecord('abc', reordered, KEY).hash).toBe(chainAuditRecord('abc', record(1), KEY).hash);
  });

  it('re-chains a record that already carries chain fields from their values, not the stale ones', () => {
    expect(chainAuditRecord(trail[0].hash, { ...trail[1], previousHash: 'forged', hash: 'forged' } as AuditRecord, KEY)).toEqual(trail[1]);
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
    expect(verifyAuditChain(tampered(trail, 3, path, value), { key: KEY })).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('detects a record rewritten with a recomputed hash at the record after it', () => {
    const rewritten = tampered(trail, 2, 'decision', 'Allow');
    rewritten[2] = chainAuditRecord(trail[1].hash, { ...rewritten[2], operation: 'sluice:DeletePipeline' }, KEY);
    expect(verifyAuditChain(rewritten, { key: KEY })).toMatchObject({ ok: false, brokenAt: 3, reason: 'previous_hash_mismatch' });
  });

  it.each([
    ['the first record deleted', trail.slice(1), 0],
    ['a middle record deleted', [...trail.slice(0, 2), ...trail.slice(3)], 2],
    ['two records swapped', [trail[0], trail[2], trail[1], ...trail.slice(3)], 1],
    ['the trail reversed', [...trail].reverse(), 0],
    ['a record repeated', [...trail.slice(0, 3), trail[2], ...trail.slice(3)], 3],
    ['a forged record inserted', [...trail.slice(0, 2), chainAuditRecord(trail[1].hash, record(9), KEY), ...trail.slice(2)], 3],
  ])('names the first broken link when %s', (_label, records, brokenAt) => {
    expect(verifyAuditChain(records, { key: KEY })).toMatchObject({ ok: false, brokenAt, reason: 'previous_hash_mismatch' });
  });

  it('verifies a page of the trail from the hash before it', () => {
    expect(verifyAuditChain(trail.slice(3), { key: KEY, previousHash: trail[2].hash, firstIndex: 3 })).toEqual({ ok: true, count: 3 });
    expect(verifyAuditChain(trail.slice(3), { key: KEY, previousHash: trail[1].hash, firstIndex: 3 })).toMatchObject({ ok: false, brokenAt: 0 });
  });

  it('exposes the hash function verification uses', () => {
    expect(auditRecordHash(trail[4], KEY)).toBe(trail[4].hash);
  });
});

/** What someone who can write to the store but lacks the key can do: recompute plain SHA-256 over a rewritten record. */
function unkeyed(previousHash: string | null, content: AuditRecord, keepChainField: boolean): ChainedAuditRecord {
  const { hash: _hash, chain: _chain, ...rest } = content as ChainedAuditRecord;
  const linked = keepChainField ? { ...rest, chain: 'hmac-sha256' as const, previousHash } : { ...rest, previousHash };
  return { ...linked, hash: createHash('sha256').update(canonicalJson(linked), 'utf8').digest('hex') };
}

describe('the keyed chain (decision 0028)', () => {
  const trail = chain(6);

  it('marks each record keyed, and hashes it with HMAC-SHA256 under the key: another key does not verify it', () => {
    expect(trail.every((link) => link.chain === 'hmac-sha256')).toBe(true);
    const other = auditChainKey(Buffer.alloc(32, 1));
    expect(verifyAuditChain(trail, { key: other })).toMatchObject({ ok: false, brokenAt: 0, reason: 'hash_mismatch' });
    expect(KEY.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(KEY.fingerprint).not.toBe(other.fingerprint);
    expect(JSON.stringify(KEY)).not.toContain('5e5e');
  });

  it.each([
    ['keeping the keyed mark', true],
    ['dropping the keyed mark, as if it were from before the key', false],
  ])('names the first record of a tail rewritten consistently without the key (%s)', (_label, keepChainField) => {
    const rewritten = [...trail.slice(0, 3)];
    for (const original of trail.slice(3)) rewritten.push(unkeyed(rewritten.at(-1)!.hash, { ...original, decision: 'Allow', operation: 'sluice:GetPipeline' }, keepChainField));
    expect(verifyAuditChain(rewritten, { key: KEY })).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('verifies the unkeyed records before the migration mark as plain SHA-256, and the keyed chain after them', () => {
    const legacy: ChainedAuditRecord[] = [];
    for (let index = 0; index < 3; index++) legacy.push(unkeyed(legacy.at(-1)?.hash ?? null, record(index), false));
    const migrated = [...legacy];
    for (let index = 3; index < 6; index++) migrated.push(chainAuditRecord(migrated.at(-1)!.hash, record(index), KEY));
    expect(legacyEndOf(migrated)).toBe(3);
    expect(verifyAuditChain(migrated, { key: KEY, legacyEnd: 3 })).toEqual({ ok: true, count: 6 });
    // Without the mark (kept outside the store), unkeyed records are refused from the start.
    expect(verifyAuditChain(migrated, { key: KEY })).toMatchObject({ ok: false, brokenAt: 0, reason: 'hash_mismatch' });
    // A legacy record changed in place still breaks its own hash.
    const changed = structuredClone(migrated);
    changed[1]!.operation = 'sluice:DeletePipeline';
    expect(verifyAuditChain(changed, { key: KEY, legacyEnd: 3 })).toMatchObject({ ok: false, brokenAt: 1, reason: 'hash_mismatch' });
  });
});
