import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventStore, openEmbeddedEventStore, type EventStore } from '@sluice/eventing';
import { ensurePostgres, testPostgresUrl } from '@sluice/testing';
import { TEST_AUDIT_KEY as KEY } from '../testing/audit-key';
import type { AuditRecord } from './audit-record';
import type { JsonValue } from './canonical-json';
import { redactSecrets } from './redact-secrets';
import { verifyAuditChain } from './audit-chain';
import { appendAuditRecord, auditAccountOf, auditRecordOf, auditStreamOf, AUDIT_RECORDED } from './audit-stream';

const url = testPostgresUrl();
const schemas: string[] = [];
const opened: EventStore[] = [];

async function openPostgres(schema?: string): Promise<EventStore> {
  const name = schema ?? `sluice_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  if (!schema) schemas.push(name);
  const store = await createPostgresEventStore({ connectionString: url, schema: name });
  opened.push(store);
  return store;
}
async function openPglite(): Promise<EventStore> {
  const store = await openEmbeddedEventStore({ dataDir: 'memory' });
  opened.push(store);
  return store;
}

beforeAll(() => ensurePostgres(url));
afterAll(async () => {
  for (const store of opened) await store.close();
  const client = new Client({ connectionString: url });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 10, 25, 3, 0, 0, n)).toISOString(),
    principal: { id: 'alice', account: 'acme' },
    viaRole: null,
    operation: 'sluice:GetPipelineState',
    resource: 'srn:sluice:acme:deploy',
    requestParameters: { name: 'deploy', n },
    decision: 'Allow',
    decidingStatement: { policyName: 'ReadOnly', index: 0 },
    result: { status: 'succeeded' },
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    requestId: randomUUID(),
    ...overrides,
  };
}

async function trail(store: EventStore, account: string) {
  const events = await store.readStream(auditStreamOf(account));
  expect(events.every((e) => e.type === AUDIT_RECORDED)).toBe(true);
  return events.map(auditRecordOf);
}

describe.each([
  ['PostgreSQL', () => openPostgres()],
  ['PGlite', openPglite],
])('appendAuditRecord on %s', (_name, open) => {
  it('writes a burst of 200 concurrent calls as exactly 200 records in one unbroken chain', async () => {
    const store = await open();
    const records = Array.from({ length: 200 }, (_, n) => record(n));
    const stored = await Promise.all(records.map((r) => appendAuditRecord(store, r, { key: KEY })));

    const chain = await trail(store, 'acme');
    expect(chain).toHaveLength(200);
    expect(verifyAuditChain(chain, { key: KEY })).toEqual({ ok: true, count: 200 });
    expect(chain[0]!.previousHash).toBeNull();
    expect(new Set(chain.map((r) => r.id))).toEqual(new Set(records.map((r) => r.id)));
    // Each caller got the record as stored.
    const byId = new Map(chain.map((r) => [r.id, r]));
    for (const s of stored) expect(byId.get(s.id)).toEqual(s);
  });

  it('continues the chain across later calls and keeps accounts apart', async () => {
    const store = await open();
    const first = await appendAuditRecord(store, record(1), { key: KEY });
    const second = await appendAuditRecord(store, record(2), { key: KEY });
    expect(second.previousHash).toBe(first.hash);
    // A role session acts in the role's account: its record goes to that account's trail.
    const session = await appendAuditRecord(store, record(3, { viaRole: { id: 'role/Deployer', account: 'beta' }, resource: 'srn:sluice:beta:web' }), { key: KEY });
    expect(auditAccountOf(session)).toBe('beta');
    expect(session.previousHash).toBeNull();
    expect((await trail(store, 'acme')).map((r) => r.id)).toEqual([first.id, second.id]);
    expect((await trail(store, 'beta')).map((r) => r.id)).toEqual([session.id]);
  });

  it('keeps "__proto__", "constructor" and "prototype" keys of a JSON argument as data, and the chain verifies from the store', async () => {
    const store = await open();
    const args = JSON.parse('{"document":{"__proto__":{"polluted":true},"constructor":{"x":1},"prototype":"p","token":"s3cret"}}') as JsonValue;
    const stored = await appendAuditRecord(store, record(1, { requestParameters: redactSecrets(args as { [key: string]: JsonValue }) }), { key: KEY });
    const [read] = await trail(store, 'acme');
    expect(JSON.stringify(read!.requestParameters)).toBe('{"document":{"__proto__":{"polluted":true},"constructor":{"x":1},"prototype":"p","token":"***"}}');
    expect(Object.getPrototypeOf(read!.requestParameters.document)).toBe(Object.prototype);
    expect(read!.hash).toBe(stored.hash);
    expect(verifyAuditChain([read!], { key: KEY })).toEqual({ ok: true, count: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails only the call whose record is not valid, naming the field', async () => {
    const store = await open();
    const good = appendAuditRecord(store, record(1), { key: KEY });
    const bad = appendAuditRecord(store, record(2, { id: 'not-a-uuid' }), { key: KEY });
    const notJson = appendAuditRecord(store, record(3, { requestParameters: { n: Number.NaN } }), { key: KEY });
    await good;
    await expect(bad).rejects.toThrow(/record\.id: must be a UUID/);
    await expect(notJson).rejects.toThrow();
    const after = await appendAuditRecord(store, record(3), { key: KEY });
    const chain = await trail(store, 'acme');
    expect(chain).toHaveLength(2);
    expect(after.previousHash).toBe(chain[0]!.hash);
    expect(verifyAuditChain(chain, { key: KEY }).ok).toBe(true);
  });
});

describe('appendAuditRecord from two processes (two stores on one PostgreSQL schema)', () => {
  it('meets the other writer by expected revision and still yields one record per call, chained', async () => {
    const schema = `sluice_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    schemas.push(schema);
    const [a, b] = [await openPostgres(schema), await openPostgres(schema)];
    // Interleave so both writers keep conflicting with each other.
    const calls: Promise<unknown>[] = [];
    for (let n = 0; n < 100; n++) {
      calls.push(appendAuditRecord(a, record(n), { key: KEY }));
      calls.push(appendAuditRecord(b, record(100 + n), { key: KEY }));
    }
    await Promise.all(calls);
    const chain = await trail(a, 'acme');
    expect(chain).toHaveLength(200);
    expect(verifyAuditChain(chain, { key: KEY })).toEqual({ ok: true, count: 200 });
  });
});
