/**
 * Event store figures for PostgreSQL and PGlite (embedded): `npx tsx bench/eventing/run.ts`.
 * Each figure is the median of several rounds, each on a fresh schema / in-memory database.
 * SLUICE_BENCH_POSTGRES_URL overrides the server (default: the test server).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openEmbeddedEventStore, type EventStore } from '@sluice/eventing';
import { benchPostgresUrl as url, data, Figures, percentile, rounds, seconds, throwAwayPostgresStore } from './bench-kit';

interface Target {
  name: string;
  open(): Promise<{ store: EventStore; dispose(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    open: throwAwayPostgresStore,
  },
  {
    name: 'PGlite (memory)',
    async open() {
      const store = await openEmbeddedEventStore({ dataDir: 'memory' });
      return { store, dispose: () => store.close() };
    },
  },
];

async function sequential(store: EventStore, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let n = 0; n < count; n++) await store.append(`seq-${n % 100}`, [{ type: 'Done', data: data(n) }]);
  return count / seconds(started);
}

async function concurrent(store: EventStore, appenders: number, perAppender: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    [...Array(appenders).keys()].map(async (a) => {
      for (let n = 0; n < perAppender; n++) await store.append(`conc-${a}`, [{ type: 'Done', data: data(n) }]);
    }),
  );
  return (appenders * perAppender) / seconds(started);
}

async function batched(store: EventStore, appenders: number, batches: number, size: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    [...Array(appenders).keys()].map(async (a) => {
      for (let b = 0; b < batches; b++) {
        await store.append(`batch-${a}-${b % 50}`, [...Array(size).keys()].map((n) => ({ type: 'Done', data: data(n) })));
      }
    }),
  );
  return (appenders * batches * size) / seconds(started);
}

/**
 * Baseline for the batched append, on the same server: a bare table with the same columns and no
 * checks, 100 rows per INSERT (one statement, autocommit). The ratio store/baseline is what the
 * store's guarantees (revision check, id dedupe, position counter, notify) cost.
 */
async function bareInsertBaseline(batches: number, size: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const table = `bench_bare_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await client.query(`CREATE TABLE ${table} (position bigserial PRIMARY KEY, stream_id text, revision bigint, event_id uuid, type text, data json, metadata json)`);
  try {
    const started = process.hrtime.bigint();
    for (let b = 0; b < batches; b++) {
      const rows = [...Array(size).keys()];
      await client.query(
        `INSERT INTO ${table} (stream_id, revision, event_id, type, data, metadata)
         SELECT $1, r, gen_random_uuid(), 'Done', d, '{}'::json FROM unnest($2::bigint[], $3::json[]) AS t(r, d)`,
        [`batch-${b % 50}`, rows, rows.map((n) => JSON.stringify(data(n)))],
      );
    }
    return (batches * size) / seconds(started);
  } finally {
    await client.query(`DROP TABLE ${table}`);
    await client.end();
  }
}

async function replay(store: EventStore): Promise<number> {
  const started = process.hrtime.bigint();
  let count = 0;
  let from = 1n;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    count += page.length;
    if (page.length < 1000) break;
    from = page[page.length - 1]!.position + 1n;
  }
  return count / seconds(started);
}

/** Time from calling append to the subscription's handler, for appends spaced a little apart. */
async function lag(store: EventStore, samples: number): Promise<number[]> {
  const sentAt = new Map<string, bigint>();
  const lags: number[] = [];
  const subscription = store.subscribeToAll(
    (e) => {
      const sent = sentAt.get(e.id);
      if (sent !== undefined) lags.push(Number(process.hrtime.bigint() - sent) / 1e6);
    },
    { fromPosition: 'end' },
  );
  await subscription.caughtUp;
  for (let n = 0; n < samples; n++) {
    const id = randomUUID();
    sentAt.set(id, process.hrtime.bigint());
    await store.append('lag', [{ id, type: 'Ping', data: { n } }]);
    await new Promise((r) => setTimeout(r, 2));
  }
  while (lags.length < samples) await new Promise((r) => setTimeout(r, 5));
  await subscription.stop();
  return lags;
}

async function main(): Promise<void> {
  for (const target of targets) {
    const figures = new Figures();
    const record = (name: string, value: number) => figures.record(name, value);
    for (let round = 0; round < rounds; round++) {
      const { store, dispose } = await target.open();
      try {
        record('append 1 event, sequential (events/s)', await sequential(store, 1000));
        record('append 1 event, 32 concurrent appenders (events/s)', await concurrent(store, 32, 200));
        record('append 100 events per append, sequential (events/s)', await batched(store, 1, 300, 100));
        record('append 100 events per append, 4 concurrent (events/s)', await batched(store, 4, 75, 100));
        record('readAll replay, pages of 1000 (events/s)', await replay(store));
        const lags = await lag(store, 200);
        record('subscription lag p50 (ms)', percentile(lags, 50));
        record('subscription lag p95 (ms)', percentile(lags, 95));
        if (target.name === 'PostgreSQL') {
          record('baseline: bare INSERT of 100 rows, no checks (events/s)', await bareInsertBaseline(300, 100));
        }
      } finally {
        await dispose();
      }
    }
    const m = (name: string) => figures.median(name)!;
    record('ratio: 32 concurrent / sequential single appends (group commit)', m('append 1 event, 32 concurrent appenders (events/s)') / m('append 1 event, sequential (events/s)'));
    const bare = figures.median('baseline: bare INSERT of 100 rows, no checks (events/s)');
    if (bare !== undefined) record('ratio: store batched / bare INSERT baseline', m('append 100 events per append, sequential (events/s)') / bare);
    figures.print(target.name);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
