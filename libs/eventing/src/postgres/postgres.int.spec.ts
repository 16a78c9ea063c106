import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ensurePostgres, testPostgresUrl } from '@sluice/testing';
import { eventStoreContract, type ContractStore } from '../contract/event-store.contract';
import { sqlEventStoreContract } from '../contract/sql-event-store.contract';
import { sleep, waitFor } from '../contract/wait-for';
import { ConcurrencyError } from '../errors';
import { prepareAppend } from '../validation/prepare-append';
import { expectedRevisionCode } from '../sql/expected-revision-code';
import { toArrayLiteral } from '../sql/pg-array';
import { appendChannel } from '../sql/schema-name';
import { createPostgresEventStore, type PostgresEventStore } from './postgres-event-store';

const url = testPostgresUrl();
const schemas: string[] = [];
const newSchema = (): string => {
  const schema = `sluice_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
};

beforeAll(() => ensurePostgres(url));
afterAll(async () => {
  const client = new Client({ connectionString: url });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function contractStore(schema: string): () => Promise<ContractStore> {
  return async () => {
    const store = await createPostgresEventStore({ connectionString: url, schema });
    return { store, checkpoints: store.checkpoints, reopen: contractStore(schema) };
  };
}

eventStoreContract('postgres', () => contractStore(newSchema())());
sqlEventStoreContract('postgres', () => createPostgresEventStore({ connectionString: url, schema: newSchema() }));

/** Calls append_events the way the adapter does, on a raw client (inside its open transaction). */
async function appendOnClient(client: Client, schema: string, streamId: string, data: unknown): Promise<void> {
  const append = prepareAppend(streamId, [{ type: 'Slow', data }], undefined, new Date());
  const e = append.events[0]!;
  await client.query(
    `SELECT * FROM "${schema}".append_events($1::text[], $2::bigint[], $3::int[], $4::uuid[], $5::text[], $6::json[], $7::json[])`,
    [
      toArrayLiteral([streamId]),
      toArrayLiteral([expectedRevisionCode('any')]),
      '{1}',
      toArrayLiteral([e.id]),
      toArrayLiteral([e.type]),
      toArrayLiteral([e.data]),
      toArrayLiteral([e.metadata]),
    ],
  );
}

describe('postgres adapter', () => {
  const opened: PostgresEventStore[] = [];
  const open = async (schema: string, options: { poolSize?: number; pollIntervalMs?: number } = {}): Promise<PostgresEventStore> => {
    const store = await createPostgresEventStore({ connectionString: url, schema, ...options });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('creates its schema idempotently, also from several processes at once', async () => {
    const schema = newSchema();
    const stores = await Promise.all([open(schema), open(schema), open(schema)]);
    await stores[0]!.append('s', [{ type: 'A', data: 1 }]);
    const again = await open(schema);
    await expect(again.readStream('s')).resolves.toHaveLength(1);
  });

  it('lets exactly one of 100 appends racing from two pools win', async () => {
    const schema = newSchema();
    const [a, b] = [await open(schema), await open(schema)];
    await a.append('race', [{ type: 'Start', data: 0 }]);
    const outcomes = await Promise.allSettled(
      [...Array(100).keys()].map((n) => (n % 2 ? a : b).append('race', [{ type: 'Raced', data: n }], { expectedRevision: 0n })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
    expect(losers).toHaveLength(99);
    for (const loser of losers) expect(loser).toBeInstanceOf(ConcurrencyError);
  });

  it('wakes a subscriber of another process through NOTIFY, not the poll', async () => {
    const schema = newSchema();
    const reader = await open(schema, { pollIntervalMs: 60_000 });
    const writer = await open(schema);
    const seen: string[] = [];
    const subscription = reader.subscribeToAll((e) => void seen.push(e.type));
    await subscription.caughtUp;
    await writer.append('s', [{ type: 'Hello', data: {} }]);
    await waitFor(() => seen.length === 1, 'the NOTIFY wake', 5000);
    await subscription.stop();
  });

  it("names the appended streams' categories in its NOTIFY, and a subscriber of some streams is woken by theirs", async () => {
    const schema = newSchema();
    const reader = await open(schema, { pollIntervalMs: 60_000 });
    const writer = await open(schema);
    const listener = new Client({ connectionString: url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (message) => void payloads.push(message.payload ?? ''));
    await listener.query(`LISTEN "${appendChannel(schema)}"`);
    try {
      const wanted: string[] = [];
      const one: string[] = [];
      const prefixed = reader.subscribeToAll((e) => void wanted.push(e.streamId), { streamPrefixes: ['wanted-'] });
      const stream = reader.subscribeToStream('one-1', (e) => void one.push(e.type));
      await prefixed.caughtUp;
      await stream.caughtUp;
      await writer.append('other-1', [{ type: 'Other', data: {} }]);
      await writer.append('standalone', [{ type: 'Other', data: {} }]);
      await writer.append('wanted-7', [{ type: 'Wanted', data: {} }]);
      await writer.append('one-1', [{ type: 'One', data: {} }]);
      await waitFor(() => wanted.length === 1 && one.length === 1 && payloads.length === 4, 'the NOTIFY wakes', 5000);
      expect(wanted).toEqual(['wanted-7']);
      expect(payloads.map((payload) => JSON.parse(payload) as unknown)).toEqual([
        { last: 1, categories: ['other-'] },
        { last: 2, categories: ['standalone'] },
        { last: 3, categories: ['wanted-'] },
        { last: 4, categories: ['one-'] },
      ]);
      await prefixed.stop();
      await stream.stop();
    } finally {
      await listener.end();
    }
  });

  /*
   * The failure gap-free positions prevent. With positions from a sequence (bigserial), a
   * transaction can take position 1, commit after another transaction that took 2, and a reader
   * that already read 2 moves its checkpoint past 1 and never sees it. This shows it on a plain
   * table, then replays the same interleaving against append_events, where the second writer
   * cannot take a position, let alone commit, until the first has committed.
   */
  it('(the failure it prevents) a reader of a plain sequence skips a late commit; append_events does not', async () => {
    const schema = newSchema();
    const store = await open(schema, { pollIntervalMs: 5 });
    const slow = new Client({ connectionString: url });
    const fast = new Client({ connectionString: url });
    await Promise.all([slow.connect(), fast.connect()]);
    try {
      await fast.query(`CREATE TABLE "${schema}".naive (position bigserial PRIMARY KEY, note text)`);
      const naiveRead = async (after: number): Promise<number[]> =>
        (await fast.query(`SELECT position FROM "${schema}".naive WHERE position > $1 ORDER BY position`, [after])).rows.map((r: { position: string }) => Number(r.position));
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO "${schema}".naive (note) VALUES ('slow')`);
      await fast.query(`INSERT INTO "${schema}".naive (note) VALUES ('fast')`);
      const firstRead = await naiveRead(0);
      await slow.query('COMMIT');
      const secondRead = await naiveRead(firstRead[firstRead.length - 1]!);
      expect(firstRead).toEqual([2]);
      expect(secondRead).toEqual([]); // position 1 is never delivered
      expect(await naiveRead(0)).toEqual([1, 2]);

      const seen: bigint[] = [];
      const subscription = store.subscribeToAll((e) => void seen.push(e.position));
      await subscription.caughtUp;
      await slow.query('BEGIN');
      await appendOnClient(slow, schema, 'slow', 'first');
      let fastDone = false;
      const fastAppend = store.append('fast', [{ type: 'Fast', data: 'second' }]).then((r) => {
        fastDone = true;
        return r;
      });
      await sleep(300);
      expect(fastDone).toBe(false); // waiting for the counter row the slow transaction holds
      expect(seen).toEqual([]);
      await slow.query('COMMIT');
      expect((await fastAppend).position).toBe(2n);
      await waitFor(() => seen.length === 2, 'both events');
      expect(seen).toEqual([1n, 2n]);
      await subscription.stop();
    } finally {
      await Promise.all([slow.end(), fast.end()]);
    }
  });

  it('a live subscriber sees every event exactly once and in order while many writers and slow transactions append', async () => {
    const schema = newSchema();
    // The subscriber polls every 2 ms, so it reads in the middle of every commit race there is.
    const reader = await open(schema, { pollIntervalMs: 2 });
    const seen: bigint[] = [];
    const subscription = reader.subscribeToAll((e) => void seen.push(e.position));
    await subscription.caughtUp;

    const writers = await Promise.all([0, 1, 2, 3].map(() => open(schema, { poolSize: 4 })));
    const fastWriters = writers.flatMap((writer, w) =>
      [...Array(16).keys()].map(async (loop) => {
        for (let n = 0; n < 40; n++) {
          const events = [...Array(1 + (n % 3)).keys()].map((k) => ({ type: 'Fast', data: { w, loop, n, k } }));
          await writer.append(`w${w}-${loop % 5}`, events);
        }
      }),
    );
    // Transactions that take their positions, then sleep before committing.
    const slowWriters = [0, 1].map(async (s) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        for (let n = 0; n < 15; n++) {
          await client.query('BEGIN');
          await appendOnClient(client, schema, `slow-${s}`, { n });
          await client.query(`SELECT pg_sleep(${0.01 + Math.random() * 0.03})`);
          await client.query('COMMIT');
          await sleep(Math.random() * 20);
        }
      } finally {
        await client.end();
      }
    });
    await Promise.all([...fastWriters, ...slowWriters]);

    const all = (await reader.readAll()).map((e) => e.position);
    expect(all.length).toBeGreaterThan(5000);
    await waitFor(() => seen.length >= all.length, `${all.length} events delivered`, 30_000);
    await sleep(100);
    await subscription.stop();

    expect(seen).toHaveLength(all.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
    expect(seen).toEqual(all);
    expect(all).toEqual(all.map((_, i) => BigInt(i + 1)));
  });
});
