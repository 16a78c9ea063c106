/**
 * Rebuild from zero of the durable audit read model on PostgreSQL (issue 20: ≥ 50,000 events/s):
 * `npx tsx bench/startup/durable-rebuild.ts`. For each size (SLUICE_BENCH_REBUILD_SIZES, default "20000,200000"), in a
 * fresh schema of the test PostgreSQL (SLUICE_BENCH_POSTGRES_URL, default SLUICE_TEST_POSTGRES_URL or
 * postgres://postgres@127.0.0.1:5432/test):
 *   - seeds the store: 2,000 audit records (10 accounts) appended through the store's own `append`, so rows, JSON
 *     text and metadata are what the store writes; then copied in SQL until the size is reached, each copy with the
 *     next positions, the next revisions of the same streams and new event ids (the records' JSON is the same text);
 *   - the baseline, what the database alone takes to copy those rows: one `INSERT … SELECT` from the events table
 *     into a table shaped like `audit_records` (same columns, keys and index), the columns taken out of the JSON in SQL;
 *   - the rebuild in place, `npm run rebuild-projections`' code path (`rebuildProjections` + `DurableRebuildable`): on the
 *     store's own database the fold runs in SQL (`AuditReadModel.rebuildSql`, decision 0059);
 *   - the same rebuild with the events read into this process and folded there (`fold`, the path of a read model whose
 *     database does not hold the events: KurrentDB's in-memory PGlite), for comparison;
 * with the CPU per event of this process and of the PostgreSQL backends serving the store.
 * Prints the load average before each size: on a shared machine the figures are only comparable within one run.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { AUDIT_RECORDED, auditStreamOf } from '@sluice/authz';
import { createPostgresEventStore, DurableRebuildable, readModelDatabaseOf, rebuildProjections, SqlReadModelDatabase, type EventStore, type ReadModelDatabase } from '@sluice/eventing';
import { dropTestSchema } from '@sluice/testing';
import { AuditReadModel } from '../../services/permissions/src/projections/audit-read-model';
import { benchAuditRecord } from './audit-record';

const SIZES = (process.env.SLUICE_BENCH_REBUILD_SIZES ?? '20000,200000').split(',').map(Number);
/** Read page and batch sizes to try instead of the defaults (SLUICE_BENCH_REBUILD_PAGE, SLUICE_BENCH_REBUILD_BATCH). */
const PAGE = process.env.SLUICE_BENCH_REBUILD_PAGE ? Number(process.env.SLUICE_BENCH_REBUILD_PAGE) : undefined;
const BATCH = process.env.SLUICE_BENCH_REBUILD_BATCH ? Number(process.env.SLUICE_BENCH_REBUILD_BATCH) : undefined;
const TEMPLATE = 2_000;
const ACCOUNTS = 10;
const url = process.env.SLUICE_BENCH_POSTGRES_URL ?? process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rate = (events: number, ms: number) => `${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');

const APPLICATION = 'sluice-bench-rebuild';
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds used so far by this process and by the PostgreSQL backends serving the store's pool (found by
 * application_name; PostgreSQL runs on this machine): where the time goes, apart from waiting for the other side.
 */
async function cpuMs(db: Client): Promise<{ node: number; postgres: number }> {
  const { user, system } = process.cpuUsage();
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [APPLICATION]);
  let ticks = 0;
  for (const { pid } of rows) {
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, counted after the command's closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return { node: (user + system) / 1000, postgres: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
}


/** `events` audit records: TEMPLATE through the store's append, the rest copies of them made in SQL (see above). */
async function seed(store: EventStore, db: Client, schema: string, events: number): Promise<void> {
  const perAppend = TEMPLATE / ACCOUNTS;
  for (let n = 0; n < TEMPLATE; n += perAppend) {
    const account = `account-${(n / perAppend) % ACCOUNTS}`;
    await store.append(auditStreamOf(account), Array.from({ length: perAppend }, (_, k) => ({ type: AUDIT_RECORDED, data: benchAuditRecord(account, n + k) })));
  }
  const s = `"${schema}"`;
  const copies = Math.ceil(events / TEMPLATE) - 1;
  // Each copy k: positions and revisions after those of copy k-1 (every stream holds TEMPLATE / ACCOUNTS of each copy).
  await db.query(
    `INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, data, metadata, recorded_at)
     SELECT e.position + k * $1::bigint, e.stream_id, e.revision + k * $2::bigint, gen_random_uuid(), e.type, e.data, e.metadata, e.recorded_at
       FROM ${s}.events e, generate_series(1, $3::int) AS k
      WHERE e.position + k * $1::bigint <= $4::bigint`,
    [TEMPLATE, perAppend, copies, events],
  );
  await db.query(`UPDATE ${s}.positions SET last = (SELECT max(position) FROM ${s}.events)`);
  await db.query(`VACUUM ANALYZE ${s}.events`);
}

/** The database alone: the same rows into a table of the same shape, by one INSERT … SELECT. */
async function baseline(db: Client, schema: string): Promise<number> {
  const s = `"${schema}"`;
  await db.query(`CREATE TABLE ${s}.baseline_copy (LIKE ${s}.audit_records INCLUDING ALL)`);
  const started = performance.now();
  await db.query(`INSERT INTO ${s}.baseline_copy (account, revision, position, id, hash, chain, result_of, principal_id, via_role_id, operation_lower, resource, decision, time, record)
    SELECT substr(e.stream_id, length('audit-') + 1), e.revision, e.position, e.data->>'id', e.data->>'hash', e.data->>'chain', e.data->>'resultOf',
           e.data->'principal'->>'id', e.data->'viaRole'->>'id', lower(e.data->>'operation'), e.data->>'resource', e.data->>'decision', e.data->>'time', e.data::text
      FROM ${s}.events e ORDER BY e.position`);
  const ms = performance.now() - started;
  await db.query(`DROP TABLE ${s}.baseline_copy`);
  return ms;
}

async function measure(events: number): Promise<void> {
  const schema = `bench_rebuild_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const db = new Client({ connectionString: url });
  await db.connect();
  const store = await createPostgresEventStore({ connectionString: `${url}${url.includes('?') ? '&' : '?'}application_name=${APPLICATION}`, schema });
  try {
    let started = performance.now();
    await seed(store, db, schema, events);
    console.log(`${events.toLocaleString('en-US')} audit events (${schema}), seeded in ${seconds(performance.now() - started)}; load average ${load()}`);
    const rebuild = async (label: string, database: ReadModelDatabase) => {
      const before = await cpuMs(db);
      const rebuilt = await rebuildProjections(store, [new DurableRebuildable(database, new AuditReadModel(database), BATCH)], { pageSize: PAGE });
      const after = await cpuMs(db);
      const perEvent = (ms: number) => `${((ms * 1000) / rebuilt.events).toFixed(1)} µs`;
      console.log(`  ${label}: ${seconds(rebuilt.elapsedMs)}, ${rate(rebuilt.events, rebuilt.elapsedMs)}`);
      console.log(
        `    CPU per event: Node ${perEvent(after.node - before.node)}, PostgreSQL (the pool's backends) ${perEvent(after.postgres - before.postgres)}; ` +
          `wall ${perEvent(rebuilt.elapsedMs)}`,
      );
    };
    const own = readModelDatabaseOf(store)!;
    await rebuild('rebuild in place, folded in SQL (npm run rebuild-projections)', own);
    await rebuild('rebuild in place, events read and folded in Node', new SqlReadModelDatabase(store.database, schema));
    const copyMs = await baseline(db, schema);
    console.log(`  baseline, INSERT … SELECT of the same rows: ${seconds(copyMs)}, ${rate(events, copyMs)}`);
    const [row] = (await db.query(`SELECT count(*)::int AS n FROM "${schema}".audit_records`)).rows;
    if (row.n !== events) throw new Error(`The rebuild left ${row.n} rows, not ${events}.`);
    console.log(`  load average ${load()}`);
  } finally {
    await store.close();
    await db.end();
    // SLUICE_BENCH_REBUILD_KEEP=1 keeps the store, e.g. to run `npm run rebuild-projections` on it (SLUICE_EVENT_STORE_SCHEMA).
    if (process.env.SLUICE_BENCH_REBUILD_KEEP === '1') console.log(`  kept the store: schema ${schema}`);
    else await dropTestSchema(schema, url);
  }
}

async function main(): Promise<void> {
  console.log(`durable audit read model, rebuild from zero on PostgreSQL; ${process.env.SLUICE_BENCH_NOTE ?? ''}`);
  for (const size of SIZES) await measure(size);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
