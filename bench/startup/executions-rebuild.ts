/**
 * Rebuild from zero of the executions' read model (decisions 0069, 0070) on PostgreSQL (issue 20 asks ≥ 50,000
 * events/s of a rebuild): `SLUICE_BENCH_REBUILD_FROM=<data dir> npx tsx bench/startup/executions-rebuild.ts`, where the
 * data dir is an embedded platform's (bench/startup/restart.ts leaves its seeded store as `seeded-<N>` in its folder).
 * The store's engine events (execution, lanes, job, expiry streams), in order, are copied into a fresh schema of the
 * test PostgreSQL (SLUICE_BENCH_POSTGRES_URL, default SLUICE_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test);
 * then, in the same run:
 *   - the baseline: the store's own `readAll` of those events in pages of 1,000 (what any rebuild reads);
 *   - the rebuild in place, `npm run rebuild-projections -- --only executions.read-model`'s code path
 *     (`rebuildProjections` + `DurableRebuildable`): read, folded in this process, each batch's rows read then written.
 * Prints events/s of each, how long the rebuild waited on the database, the CPU of this process and of the rest of the machine, the size of each table's rows, and the load average. SLUICE_BENCH_REBUILD_BATCH changes the events per transaction (1,000);
 * SLUICE_BENCH_KEEP_SCHEMA=1 keeps the rebuilt schema to look at; SLUICE_BENCH_CPU_PROFILE=<file> writes a V8 CPU profile of this process during the rebuild alone (open it in Chrome's DevTools).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, DurableRebuildable, openEmbeddedEventStore, readModelDatabaseOf, rebuildProjections, type ReadModelDatabase, type RecordedEvent } from '@sluice/eventing';
import { dropTestSchema, newTestSchema } from '@sluice/testing';
import { ExecutionsReadModel } from '../../services/executions/src/projections/executions-read-model';
import { machineCpuMs } from '../real-path/real-path-kit';

const FROM = process.env.SLUICE_BENCH_REBUILD_FROM;
const url = process.env.SLUICE_BENCH_POSTGRES_URL ?? process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PAGE = 1_000;
const rate = (events: number, ms: number) => `${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');

async function main(): Promise<void> {
  if (!FROM) throw new Error('SLUICE_BENCH_REBUILD_FROM: name an embedded platform data dir (its events/ folder holds the store), e.g. the seeded-800 folder bench/startup/restart.ts leaves');
  const source = await openEmbeddedEventStore({ dataDir: join(FROM, 'events') });
  const schema = newTestSchema('bexrb');
  const target = await createPostgresEventStore({ connectionString: url, schema });
  const prefixes = new ExecutionsReadModel(readModelDatabaseOf(target)!).streamPrefixes;
  try {
    console.log(`load average before: ${load()}`);
    let copied = 0;
    const started = performance.now();
    for (let from: bigint | 'start' = 'start'; ; ) {
      const page = await source.readAll({ fromPosition: from, maxCount: PAGE });
      // Consecutive events of one stream go in one append, at the revisions they had.
      let run: RecordedEvent[] = [];
      const flush = async () => {
        if (run.length === 0) return;
        const first = run[0]!;
        await target.append(first.streamId, run.map((event) => ({ type: event.type, data: event.data, metadata: event.metadata })), { expectedRevision: first.revision === 0n ? 'no_stream' : first.revision - 1n });
        copied += run.length;
        run = [];
      };
      for (const event of page) {
        if (!prefixes.some((prefix) => event.streamId.startsWith(prefix))) continue;
        if (run.length > 0 && run[0]!.streamId !== event.streamId) await flush();
        run.push(event);
      }
      await flush();
      if (page.length < PAGE) break;
      from = page.at(-1)!.position + 1n;
    }
    console.log(`copied ${copied.toLocaleString('en-US')} engine events into ${schema} in ${seconds(performance.now() - started)}`);
    await source.close();

    let read = 0;
    const readStarted = performance.now();
    for (let from: bigint | 'start' = 'start'; ; ) {
      const page = await target.readAll({ fromPosition: from, maxCount: PAGE });
      read += page.length;
      if (page.length < PAGE) break;
      from = page.at(-1)!.position + 1n;
    }
    const readMs = performance.now() - readStarted;
    console.log(`baseline, readAll in pages of ${PAGE}: ${read.toLocaleString('en-US')} events in ${seconds(readMs)}, ${rate(read, readMs)}`);

    const stored = readModelDatabaseOf(target)!;
    // The time the rebuild waits on the database (its reads of rows and its commits), the rest being the fold in this process.
    const waited = { query: 0, transaction: 0 };
    const timed = async <T>(kind: keyof typeof waited, work: Promise<T>): Promise<T> => {
      const from = performance.now();
      try {
        return await work;
      } finally {
        waited[kind] += performance.now() - from;
      }
    };
    const database: ReadModelDatabase = {
      schema: stored.schema,
      holdsStoreEvents: stored.holdsStoreEvents,
      query: (text, params) => timed('query', stored.query(text, params)),
      transaction: (statements) => timed('transaction', stored.transaction(statements)),
    };
    const rebuild = new DurableRebuildable(database, new ExecutionsReadModel(database), process.env.SLUICE_BENCH_REBUILD_BATCH ? Number(process.env.SLUICE_BENCH_REBUILD_BATCH) : undefined);
    const profiler = await startProfile(process.env.SLUICE_BENCH_CPU_PROFILE);
    const [cpuBefore, machineBefore] = [process.cpuUsage(), await machineCpuMs()];
    const rebuildStarted = performance.now();
    const result = await rebuildProjections(target, [rebuild]);
    const rebuildMs = performance.now() - rebuildStarted;
    await profiler.stop();
    const [cpu, machine] = [process.cpuUsage(cpuBefore), await machineCpuMs()];
    const folded = result.folded[rebuild.name] ?? 0;
    console.log(`rebuild of executions.read-model in place: ${folded.toLocaleString('en-US')} events in ${seconds(rebuildMs)}, ${rate(folded, rebuildMs)} (goal ≥ 50,000 events/s; ratio to the read alone ${(rebuildMs / readMs).toFixed(1)}x)`);
    console.log(`  of which waiting on PostgreSQL: reads of its rows ${seconds(waited.query)}, commits ${seconds(waited.transaction)} (a batch's commit is waited for while the next is read and folded)`);
    const processMs = (cpu.user + cpu.system) / 1000;
    const machineBusyMs = machine.busy - machineBefore.busy;
    console.log(`  CPU: this process (reading the events, folding) ${seconds(processMs)}, the rest of the machine (PostgreSQL's writes) ${seconds(machineBusyMs - processMs)}, of ${seconds(rebuildMs * cpus().length)} on ${cpus().length} cores`);
    for (const table of rebuild.projection.tables) {
      const [row] = await stored.query(`SELECT count(*)::text AS rows, coalesce(sum(pg_column_size(t.*)), 0)::text AS bytes FROM "${schema}".${table} t`);
      if (row!.rows === '0') continue;
      console.log(`  ${table}: ${Number(row!.rows).toLocaleString('en-US')} rows, ${(Number(row!.bytes) / Number(row!.rows) / 1024).toFixed(1)} KiB a row as stored (compressed)`);
    }
    console.log(`load average after: ${load()}`);
  } finally {
    await target.close();
    if (process.env.SLUICE_BENCH_KEEP_SCHEMA) console.log(`kept the schema ${schema}`);
    else await dropTestSchema(schema);
  }
}

/** A V8 CPU profile of this process from now until `stop()`, written to `file`; nothing when no file is named. */
async function startProfile(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`  CPU profile of the rebuild: ${file}`);
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
