/**
 * Event store figures for PostgreSQL and PGlite (embedded): `npx tsx bench/eventing/run.ts`.
 * Each figure is the median of several rounds, each on a fresh schema / in-memory database.
 * SLUICE_BENCH_POSTGRES_URL overrides the server (default: the test server).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EventStore } from '../../libs/eventing/src/event-store';
import { openEmbeddedEventStore } from '../../libs/eventing/src/embedded';
import { createPostgresEventStore } from '../../libs/eventing/src/postgres';

const url = process.env.SLUICE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);

interface Target {
  name: string;
  open(): Promise<{ store: EventStore; dispose(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    async open() {
      const schema = `sluice_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const store = await createPostgresEventStore({ connectionString: url, schema });
      return {
        store,
        async dispose() {
          await store.close();
          const client = new Client({ connectionString: url });
          await client.connect();
          await client.query(`DROP SCHEMA "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  },
  {
    name: 'PGlite (memory)',
    async open() {
      const store = await openEmbeddedEventStore({ dataDir: 'memory' });
      return { store, dispose: () => store.close() };
    },
  },
];

const data = (n: number) => ({ pipeline: 'deploy-web', stage: 'Build', action: 'Compile', n, status: 'Succeeded', note: 'x'.repeat(100) });
const seconds = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

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
    const figures: Record<string, number[]> = {};
    const record = (name: string, value: number) => (figures[name] ??= []).push(value);
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
      } finally {
        await dispose();
      }
    }
    console.log(`\n${target.name} (median of ${rounds} rounds)`);
    for (const [name, values] of Object.entries(figures)) {
      const m = median(values);
      console.log(`  ${name.padEnd(54)} ${m >= 100 ? Math.round(m).toLocaleString('en-US') : m.toFixed(2)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
