import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendAuditRecord, AUDIT_OUTCOME_RECORDED, AUDIT_RECORDED, auditStreamOf, type AuditRecord } from '@sluice/authz';
import {
  createPostgresEventStore,
  DurableRebuildable,
  openEmbeddedEventStore,
  readModelDatabaseOf,
  rebuildProjections,
  type EventStore,
  type ReadModelDatabase,
} from '@sluice/eventing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { AuditReadModel, auditCursorOf, type AuditFilter } from './audit-read-model';
import { PermissionsProjection } from './permissions-projection';

// The audit trails as a durable read model (docs/decisions/0048): its queries read the table, on PostgreSQL and on
// PGlite; a restart reads only the audit events after its checkpoint; `npm run rebuild-projections` rebuilds it in place.
const root = join(__dirname, '../../../..');
const schema = newTestSchema('auditrm');
let tick = 0;
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

function auditRecord(account: string, n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: randomUUID(),
    time: at(tick++),
    principal: { id: n % 2 === 0 ? 'alice' : 'bob', account },
    viaRole: n % 5 === 4 ? { id: 'Deployer', account } : null,
    operation: n % 3 === 0 ? 'sluice:StartPipelineExecution' : 'sluice:GetPipelineState',
    resource: n % 4 === 0 ? `srn:sluice:${account}:web/Build` : `srn:sluice:${account}:api`,
    requestParameters: { n },
    decision: n % 7 === 6 ? 'ImplicitDeny' : 'Allow',
    decidingStatement: null,
    result: n % 7 === 6 ? { status: 'denied' } : { status: 'succeeded' },
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    requestId: randomUUID(),
    ...overrides,
  } as AuditRecord;
}

/** Every page of a lookup, following its cursors: the revisions returned, newest first. */
async function allPages(projection: PermissionsProjection, account: string, filter: AuditFilter, first: number): Promise<number[]> {
  const seen: number[] = [];
  for (let after: string | null = null; ; ) {
    const page = await projection.audit.lookup(account, filter, first, after);
    seen.push(...page.records.map((r) => Number(r.revision)));
    if (!page.hasNextPage) return seen;
    after = page.endCursor;
  }
}

async function history(store: EventStore): Promise<{ attemptRevision: number }> {
  for (let n = 0; n < 30; n++) await appendAuditRecord(store, auditRecord('acme', n));
  for (let n = 0; n < 4; n++) await appendAuditRecord(store, auditRecord('globex', n));
  // A change recorded before it ran (revision 30 of acme), and its outcome (31): the lookup shows it once.
  const attempt = await appendAuditRecord(store, auditRecord('acme', 30, { result: { status: 'attempted' } } as Partial<AuditRecord>));
  await appendAuditRecord(store, { ...auditRecord('acme', 31), resultOf: attempt.id } as AuditRecord);
  return { attemptRevision: 30 };
}

/** A store without SQL, as KurrentDB is: the read model's tables go to an in-memory PGlite beside it. */
async function storeWithoutSql(): Promise<EventStore> {
  const inner = await openEmbeddedEventStore({ dataDir: 'memory' });
  return {
    append: (...args) => inner.append(...args),
    readStream: (...args) => inner.readStream(...args),
    readAll: (...args) => inner.readAll(...args),
    subscribeToAll: (...args) => inner.subscribeToAll(...args),
    subscribeToStream: (...args) => inner.subscribeToStream(...args),
    close: async () => {
      // Nothing of the read model was written into the store's own database.
      const [row] = await inner.database.query('regclass', `SELECT to_regclass('sluice.audit_records')::text AS t`, []);
      if (row!.t !== null) throw new Error('the audit table was made in a store that is not SQL');
      await inner.close();
    },
  };
}

describe.each([
  ['PostgreSQL', () => createPostgresEventStore({ connectionString: testPostgresUrl(), schema })],
  ['PGlite', () => openEmbeddedEventStore({ dataDir: 'memory' })],
  ['a store without SQL (KurrentDB’s case)', storeWithoutSql],
])('the audit read model on %s', (_name, open) => {
  let store: EventStore;
  let projection: PermissionsProjection;
  beforeAll(async () => {
    store = await open();
    await history(store);
    projection = new PermissionsProjection(store);
    await projection.start();
  });
  afterAll(async () => {
    await projection?.stop();
    await store?.close();
  });

  it('answers lookups from its table: filters, pages by cursor, newest first, an attempt shown once by its outcome', async () => {
    const everything = await allPages(projection, 'acme', {}, 7);
    // 32 records, the attempt (30) hidden behind its outcome (31).
    expect(everything).toEqual([31, ...Array.from({ length: 30 }, (_, i) => 29 - i)]);
    expect(await allPages(projection, 'globex', {}, 50)).toEqual([3, 2, 1, 0]);
    const expectRevisions = async (filter: AuditFilter, predicate: (n: number) => boolean) =>
      expect(await allPages(projection, 'acme', filter, 4)).toEqual([31, ...Array.from({ length: 30 }, (_, i) => 29 - i)].filter(predicate));
    await expectRevisions({ principal: 'Deployer' }, (n) => n % 5 === 4); // the role it acted through
    await expectRevisions({ principal: 'bob', operation: 'SLUICE:startpipelineexecution' }, (n) => n % 2 === 1 && n % 3 === 0);
    await expectRevisions({ resource: 'srn:sluice:acme:web*' }, (n) => n % 4 === 0);
    await expectRevisions({ resource: 'srn:sluice:acme:api' }, (n) => n % 4 !== 0);
    await expectRevisions({ decision: 'ImplicitDeny' }, (n) => n % 7 === 6);
    const acme = await projection.audit.contents().then((trails) => trails.get('acme')!);
    const time = (revision: number) => new Date(acme[revision]!.record.time);
    await expectRevisions({ from: time(10), to: time(12) }, (n) => n >= 10 && n <= 12);
    // A page after a cursor: what is older than it.
    const page = await projection.audit.lookup('acme', {}, 3, auditCursorOf(5n));
    expect(page.records.map((r) => Number(r.revision))).toEqual([4, 3, 2]);
    expect(page.records[0]!.record).toEqual(acme[4]!.record);
    await expect(projection.audit.lookup('acme', {}, 501, null)).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'first' })] });
    await expect(projection.audit.lookup('acme', {}, 5, 'not-a-cursor')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'after' })] });
    // Another account's records are never in the answer.
    expect(await allPages(projection, 'initech', {}, 50)).toEqual([]);
  });
});

// PostgreSQL only: PGlite parses the same statements with the same code, and the lookups above run there too.
describe('the audit read model, records whose texts need escaping (PostgreSQL)', () => {
  afterAll(async () => {
    await dropTestSchema(`${schema}_text`);
  });

  it('keeps them as appended: the filter columns (array literals) and the record (JSON) both', async () => {
    const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema: `${schema}_text` });
    const projection = new PermissionsProjection(store);
    try {
      // Quotes, backslashes, braces and commas are what array literals escape; the rest is JSON's business.
      const awkward = 'o\'neil "the {quoted}, \\back\\slashed"\nnaïve 🚀 \t end';
      const appended = await appendAuditRecord(store, auditRecord('initech', 0, { principal: { id: awkward, account: 'initech' }, requestParameters: { awkward } } as Partial<AuditRecord>));
      await appendAuditRecord(store, auditRecord('initech', 1));
      await projection.start();
      const page = await projection.audit.lookup('initech', { principal: awkward }, 10, null);
      expect(page.records.map((r) => r.record)).toEqual([appended]);
      expect((await projection.audit.contents()).get('initech')!.map((r) => r.record.id)).toEqual([appended.id, expect.any(String)]);
    } finally {
      await projection.stop();
      await store.close();
    }
  });
});

describe.each([
  ['PostgreSQL', () => createPostgresEventStore({ connectionString: testPostgresUrl(), schema: `${schema}_sqlfold` })],
  ['PGlite', () => openEmbeddedEventStore({ dataDir: 'memory' })],
])('the audit read model on %s, rebuilt by the database (rebuildSql)', (_name, open) => {
  afterAll(async () => {
    await dropTestSchema(`${schema}_sqlfold`);
  });

  it('writes what the fold writes, row for row, odd records included', async () => {
    const store = await open();
    const database = readModelDatabaseOf(store)!;
    const table = async () => database.query(`SELECT * FROM "${database.schema}".audit_records ORDER BY account COLLATE "C", revision`);
    const live = new PermissionsProjection(store);
    try {
      for (let n = 0; n < 12; n++) await appendAuditRecord(store, auditRecord(n % 2 ? 'acme' : 'globex', n));
      const attempt = await appendAuditRecord(store, auditRecord('acme', 12, { result: { status: 'attempted' } } as Partial<AuditRecord>));
      await appendAuditRecord(store, { ...auditRecord('acme', 13), resultOf: attempt.id } as AuditRecord);
      await appendAuditRecord(store, auditRecord('acme', 14, { principal: { id: 'o\'neil "{x,y}" \\ naïve 🚀', account: 'acme' }, operation: 'Sluice:ÉtatPipeline' } as Partial<AuditRecord>));
      // Records no gateway writes, appended as they are: values that are not strings, fields missing, another type.
      await store.append(auditStreamOf('initech'), [
        { type: AUDIT_RECORDED, data: { id: 7, hash: 12, chain: true, resultOf: { id: 'x' }, principal: { id: 5 }, viaRole: 'Deployer', operation: ['a'], decision: null, requestParameters: {} } },
        { type: AUDIT_OUTCOME_RECORDED, data: { principal: 'alice', time: 1.5, resource: { name: 'web' } } },
        { type: AUDIT_RECORDED, data: 'not an object' },
        { type: AUDIT_RECORDED, data: [1, 'two'] },
        { type: 'SomethingElse', data: { id: 'not a record' } },
      ]);
      await store.append('other-stream', [{ type: AUDIT_RECORDED, data: { id: 'not an audit stream' } }]);
      await live.start();
      const folded = await table();
      expect(folded.map((row) => row.account)).toContain('initech');

      const rebuildable = new DurableRebuildable(database, new AuditReadModel(database), 4);
      expect(rebuildable.rebuildInDatabase).toBeDefined();
      const progress: number[] = [];
      const result = await rebuildProjections(store, [rebuildable], { onProgress: (p) => progress.push(p.read) });
      const events = await store.readAll();
      expect(result).toMatchObject({ events: events.length, lastPosition: events.at(-1)!.position, folded: { 'permissions.audit': events.filter((e) => e.streamId.startsWith('audit-')).length } });
      expect(progress.length).toBeGreaterThan(3);
      expect(await table()).toEqual(folded);
      expect(await rebuildable.checkpoint()).toBe(events.at(-1)!.position);
    } finally {
      await live.stop();
      await store.close();
    }
  });
});

describe('the audit read model across restarts (PostgreSQL)', () => {
  afterAll(() => dropTestSchema(schema));

  it('a restart reads only the audit events after its checkpoint, and the rebuild command rebuilds it in place', async () => {
    const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
    try {
      const first = new PermissionsProjection(store);
      await first.start();
      const before = await first.audit.contents();
      await first.stop();
      for (let n = 0; n < 5; n++) await appendAuditRecord(store, auditRecord('acme', 100 + n));
      const again = new PermissionsProjection(store);
      await again.start();
      expect(again.auditProjection.eventsRead).toBe(5);
      const after = await again.audit.contents();
      expect(after.get('acme')).toHaveLength(before.get('acme')!.length + 5);
      await again.stop();

      // Rows damaged by hand; the command truncates and replays them from the store.
      const database = (again as unknown as { readModels: { database: ReadModelDatabase } }).readModels.database;
      await database.query(`DELETE FROM "${schema}".audit_records WHERE revision % 2 = 0`);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts/rebuild-projections.mjs'), '--json', '--only', 'permissions.audit'], {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_KAFKA_BROKERS: '' },
      });
      const summary = JSON.parse(stdout) as { projections: { name: string; folded: number; checkpoint: string | null }[] };
      const audited = (await store.readAll()).filter((e) => e.streamId.startsWith('audit-'));
      expect(summary.projections).toEqual([{ name: 'permissions.audit', folded: audited.length, checkpoint: audited.at(-1)!.position.toString() }]);
      const rebuilt = new PermissionsProjection(store);
      await rebuilt.start();
      expect(rebuilt.auditProjection.eventsRead).toBe(0);
      expect(await rebuilt.audit.contents()).toEqual(after);
      await rebuilt.stop();
    } finally {
      await store.close();
    }
  });
});
