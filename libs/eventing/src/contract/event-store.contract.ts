import { randomUUID } from 'node:crypto';
import { InMemoryCheckpointStore } from '../checkpoint/in-memory-checkpoint-store';
import { ConcurrencyError, EventStoreInputError } from '../errors';
import type { AppendResult, CheckpointStore, EventStore, NewEvent, RecordedEvent } from '../event-store';
import { sleep, waitFor } from './wait-for';

export interface ContractStore {
  store: EventStore;
  /** The adapter's own checkpoint store, if it has one (it must survive reopen). */
  checkpoints?: CheckpointStore;
  /**
   * A new client on the same data. Called only after `store.close()`, since an embedded store
   * allows one client at a time.
   */
  reopen(): Promise<ContractStore>;
}

export interface ContractOptions {
  /** Appends racing on one expected revision. Default 100. */
  concurrentAppenders?: number;
}

const event = (type: string, data: unknown, extra: Partial<NewEvent> = {}): NewEvent => ({ type, data, ...extra });

async function outcome<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (error) {
    return error as Error;
  }
}

function expectInputError(error: unknown, field: string): void {
  expect(error).toBeInstanceOf(EventStoreInputError);
  const actual = (error as EventStoreInputError).field;
  // Adapters may point deeper than the contract asks (events[1].data.f for events[1].data).
  if (actual !== field) expect(actual).toMatch(new RegExp(`^${field.replace(/[[\]().]/g, '\\$&')}[.[]`));
}

/**
 * The behaviour every EventStore adapter must have. Adapter-neutral: the store may hold events of
 * other tests or processes (each test uses its own stream ids) and positions may have holes;
 * only their order is relied on.
 */
export function eventStoreContract(name: string, open: () => Promise<ContractStore>, options: ContractOptions = {}): void {
  const racers = options.concurrentAppenders ?? 100;

  describe(`EventStore contract: ${name}`, () => {
    let current: ContractStore;
    let prefix: string;
    const store = (): EventStore => current.store;
    const stream = (suffix: string): string => `${prefix}-${suffix}`;

    beforeAll(async () => {
      current = await open();
    });
    afterAll(async () => {
      await current?.store.close();
    });
    beforeEach(() => {
      prefix = `contract${randomUUID().slice(0, 8)}`;
    });

    describe('append and readStream', () => {
      it('stores the envelope and fills in metadata defaults', async () => {
        const id = randomUUID();
        const metadata = {
          correlationId: 'corr-1',
          causationId: 'cause-1',
          actor: 'user:ada',
          account: 'acme',
          occurredAt: '2024-05-01T10:00:00.000Z',
          requestIp: '10.0.0.1',
        };
        const before = Date.now();
        const result = await store().append(stream('a'), [event('Created', { n: 1 }, { id, metadata }), event('Renamed', { name: 'x' })]);
        const after = Date.now();
        const events = await store().readStream(stream('a'));

        expect(events).toHaveLength(2);
        expect(events[0]).toEqual({
          id,
          type: 'Created',
          streamId: stream('a'),
          revision: 0n,
          position: events[0]!.position,
          data: { n: 1 },
          metadata,
        });
        const second = events[1]!;
        expect(second).toMatchObject({ type: 'Renamed', streamId: stream('a'), revision: 1n, data: { name: 'x' } });
        expect(second.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(second.metadata).toEqual({
          correlationId: second.id,
          causationId: null,
          actor: 'system',
          account: '',
          occurredAt: expect.any(String),
        });
        const occurredAt = Date.parse(second.metadata.occurredAt);
        expect(occurredAt).toBeGreaterThanOrEqual(before - 1000);
        expect(occurredAt).toBeLessThanOrEqual(after + 1000);
        expect(second.position).toBeGreaterThan(events[0]!.position);
        expect(result).toEqual({ nextExpectedRevision: 1n, position: second.position });
      });

      it('reads a stream that does not exist as []', async () => {
        await expect(store().readStream(stream('never'))).resolves.toEqual([]);
      });

      it('keeps each stream in append order while appends to several streams interleave', async () => {
        const streams = [0, 1, 2, 3, 4].map((i) => stream(`s${i}`));
        await Promise.all(
          streams.map(async (s) => {
            for (let n = 0; n < 20; n++) await store().append(s, [event('Counted', { n })], { expectedRevision: n === 0 ? 'no_stream' : BigInt(n - 1) });
          }),
        );
        for (const s of streams) {
          const events = await store().readStream(s);
          expect(events.map((e) => e.revision)).toEqual([...Array(20).keys()].map(BigInt));
          expect(events.map((e) => (e.data as { n: number }).n)).toEqual([...Array(20).keys()]);
          for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
        }
      });

      it('round-trips a 1 MB event', async () => {
        const data = { blob: 'x'.repeat(1024 * 1024), text: 'é漢字🙂 "quoted" \\ back\nslash', list: [...Array(1000).keys()], nested: { deep: [{ a: null, b: true }] } };
        await store().append(stream('big'), [event('Big', data)]);
        const [stored] = await store().readStream(stream('big'));
        expect(stored!.data).toEqual(data);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' creates a stream and conflicts once it exists, storing nothing", async () => {
        await store().append(stream('n'), [event('A', 1)], { expectedRevision: 'no_stream' });
        const error = await outcome(store().append(stream('n'), [event('B', 2)], { expectedRevision: 'no_stream' }));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: stream('n'), expectedRevision: 'no_stream', actualRevision: 0n });
        expect((await store().readStream(stream('n'))).map((e) => e.type)).toEqual(['A']);
      });

      it("'stream_exists' conflicts on a missing stream and appends to an existing one", async () => {
        const error = await outcome(store().append(stream('e'), [event('A', 1)], { expectedRevision: 'stream_exists' }));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expectedRevision: 'stream_exists', actualRevision: 'no_stream' });
        await expect(store().readStream(stream('e'))).resolves.toEqual([]);
        await store().append(stream('e'), [event('A', 1)]);
        await expect(store().append(stream('e'), [event('B', 2)], { expectedRevision: 'stream_exists' })).resolves.toMatchObject({
          nextExpectedRevision: 1n,
        });
      });

      it('a revision appends when it is the last one and conflicts with the actual one otherwise', async () => {
        const first = await store().append(stream('r'), [event('A', 1), event('B', 2)]);
        expect(first.nextExpectedRevision).toBe(1n);
        const stale = await outcome(store().append(stream('r'), [event('C', 3)], { expectedRevision: 0n }));
        expect(stale).toBeInstanceOf(ConcurrencyError);
        expect(stale).toMatchObject({ streamId: stream('r'), expectedRevision: 0n, actualRevision: 1n });
        const missing = await outcome(store().append(stream('r-missing'), [event('C', 3)], { expectedRevision: 0n }));
        expect(missing).toMatchObject({ expectedRevision: 0n, actualRevision: 'no_stream' });
        await expect(store().append(stream('r'), [event('C', 3)], { expectedRevision: 1n })).resolves.toMatchObject({ nextExpectedRevision: 2n });
        expect((await store().readStream(stream('r'))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
        await expect(store().readStream(stream('r-missing'))).resolves.toEqual([]);
      });

      it(`${racers} racing appends with the same expected revision: exactly one wins`, async () => {
        await store().append(stream('race'), [event('Start', 0)], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.all(
          [...Array(racers).keys()].map((n) => outcome(store().append(stream('race'), [event('Raced', { n })], { expectedRevision: 0n }))),
        );
        const winners = outcomes.filter((o): o is AppendResult => !(o instanceof Error));
        const losers = outcomes.filter((o) => o instanceof Error);
        expect(winners).toHaveLength(1);
        expect(winners[0]!.nextExpectedRevision).toBe(1n);
        expect(losers).toHaveLength(racers - 1);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(ConcurrencyError);
          expect(loser).toMatchObject({ streamId: stream('race'), expectedRevision: 0n, actualRevision: 1n });
        }
        expect(await store().readStream(stream('race'))).toHaveLength(2);
      });

      it(`${racers} racing creators with 'no_stream': exactly one wins`, async () => {
        const outcomes = await Promise.all(
          [...Array(racers).keys()].map((n) => outcome(store().append(stream('create'), [event('Created', { n })], { expectedRevision: 'no_stream' }))),
        );
        expect(outcomes.filter((o) => !(o instanceof Error))).toHaveLength(1);
        expect(outcomes.filter((o) => o instanceof ConcurrencyError)).toHaveLength(racers - 1);
        expect(await store().readStream(stream('create'))).toHaveLength(1);
      });
    });

    describe('idempotence by event id', () => {
      it('answers a repeated append with its first result and stores nothing twice', async () => {
        const events = [event('A', 1, { id: randomUUID() }), event('B', 2, { id: randomUUID() })];
        const first = await store().append(stream('i'), events, { expectedRevision: 'no_stream' });
        const again = await store().append(stream('i'), events, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        expect((await store().readStream(stream('i'))).map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('does not store an event again when its id is already in the stream', async () => {
        const a = event('A', 1, { id: randomUUID() });
        const first = await store().append(stream('j'), [a]);
        await store().append(stream('j'), [event('B', 2)]);
        const again = await store().append(stream('j'), [a]);
        expect(again).toEqual(first);
        expect((await store().readStream(stream('j'))).map((e) => e.type)).toEqual(['A', 'B']);
      });
    });

    describe('bad input is refused, naming the field, and nothing is stored', () => {
      const good = (): NewEvent => event('Fine', { ok: true });
      const circular: Record<string, unknown> = { name: 'loop' };
      circular.self = circular;
      const cases: [string, (s: string) => Promise<unknown>, string][] = [
        ['an empty stream id', () => store().append('', [good()]), 'streamId'],
        ['a stream id that is not a string', () => store().append(42 as unknown as string, [good()]), 'streamId'],
        ['events that are not an array', (s) => store().append(s, good() as unknown as NewEvent[]), 'events'],
        ['no events', (s) => store().append(s, []), 'events'],
        ['an event without type', (s) => store().append(s, [good(), { data: 1 } as unknown as NewEvent]), 'events[1].type'],
        ['data holding a function', (s) => store().append(s, [good(), event('T', { f: () => 1 })]), 'events[1].data'],
        ['data holding a bigint', (s) => store().append(s, [event('T', { n: 1n })]), 'events[0].data'],
        ['circular data', (s) => store().append(s, [good(), event('T', circular)]), 'events[1].data'],
        ['undefined data', (s) => store().append(s, [good(), event('T', undefined)]), 'events[1].data'],
        ["expected revision 'sometimes'", (s) => store().append(s, [good()], { expectedRevision: 'sometimes' as 'any' }), 'expectedRevision'],
        ['expected revision -5n', (s) => store().append(s, [good()], { expectedRevision: -5n }), 'expectedRevision'],
      ];
      it.each(cases)('%s', async (_, append, field) => {
        const error = await outcome(append(stream('bad')));
        expectInputError(error, field);
        await expect(store().readStream(stream('bad'))).resolves.toEqual([]);
      });
    });

    describe('readStream options', () => {
      const ten = async (s: string): Promise<void> => {
        await store().append(s, [...Array(10).keys()].map((n) => event('N', { n })));
      };
      const ns = (events: RecordedEvent[]): number[] => events.map((e) => (e.data as { n: number }).n);

      it('reads forwards from, to (inclusive) and at most maxCount', async () => {
        await ten(stream('o'));
        expect(ns(await store().readStream(stream('o'), { from: 3n }))).toEqual([3, 4, 5, 6, 7, 8, 9]);
        expect(ns(await store().readStream(stream('o'), { from: 3n, to: 5n }))).toEqual([3, 4, 5]);
        expect(ns(await store().readStream(stream('o'), { maxCount: 2 }))).toEqual([0, 1]);
        expect(ns(await store().readStream(stream('o'), { from: 8n, maxCount: 5 }))).toEqual([8, 9]);
      });

      it('reads backwards', async () => {
        await ten(stream('b'));
        expect(ns(await store().readStream(stream('b'), { direction: 'backwards' }))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(ns(await store().readStream(stream('b'), { direction: 'backwards', from: 5n, maxCount: 3 }))).toEqual([5, 4, 3]);
        expect(ns(await store().readStream(stream('b'), { direction: 'backwards', from: 'end', maxCount: 1 }))).toEqual([9]);
      });
    });

    describe('readAll', () => {
      it('reads in position order from a position (inclusive), at most maxCount', async () => {
        await store().append(stream('x'), [...Array(5).keys()].map((n) => event('N', { n })));
        const mine = await store().readStream(stream('x'));
        const page = await store().readAll({ fromPosition: mine[1]!.position, maxCount: 3 });
        expect(page.map((e) => e.id)).toEqual(mine.slice(1, 4).map((e) => e.id));

        const all = await store().readAll({ fromPosition: mine[0]!.position });
        expect(all.filter((e) => e.streamId === stream('x')).map((e) => e.id)).toEqual(mine.map((e) => e.id));
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        expect(all[0]).toEqual(mine[0]);
      });
    });

    describe('subscribeToStream', () => {
      it('delivers the stream from the start, then live, and stop() stops it', async () => {
        await store().append(stream('sub'), [event('A', 0), event('B', 1), event('C', 2)]);
        const seen: RecordedEvent[] = [];
        const subscription = store().subscribeToStream(stream('sub'), (e) => void seen.push(e));
        await subscription.caughtUp;
        expect(seen.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        await store().append(stream('other'), [event('Elsewhere', 0)]);
        await store().append(stream('sub'), [event('D', 3)]);
        await store().append(stream('sub'), [event('E', 4)]);
        await waitFor(() => seen.length === 5, 'the live events');
        expect(seen.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);

        await subscription.stop();
        await expect(subscription.done).resolves.toBeUndefined();
        await store().append(stream('sub'), [event('F', 5)]);
        await sleep(300);
        expect(seen).toHaveLength(5);
      });

      it('starts after a revision, or at the end', async () => {
        await store().append(stream('from'), [event('A', 0), event('B', 1), event('C', 2)]);
        const afterOne: string[] = [];
        const fromEnd: string[] = [];
        const s1 = store().subscribeToStream(stream('from'), (e) => void afterOne.push(e.type), { fromRevision: 1n });
        const s2 = store().subscribeToStream(stream('from'), (e) => void fromEnd.push(e.type), { fromRevision: 'end' });
        await Promise.all([s1.caughtUp, s2.caughtUp]);
        await store().append(stream('from'), [event('D', 3)]);
        await waitFor(() => afterOne.length === 2 && fromEnd.length === 1, 'both subscriptions');
        expect(afterOne).toEqual(['C', 'D']);
        expect(fromEnd).toEqual(['D']);
        await Promise.all([s1.stop(), s2.stop()]);
      });
    });

    describe('subscribeToAll', () => {
      it("from 'start': caughtUp resolves once what was stored is delivered, then live events follow in order", async () => {
        await store().append(stream('p'), [event('A', 0), event('B', 1)]);
        await store().append(stream('q'), [event('C', 2)]);
        const seen: RecordedEvent[] = [];
        const subscription = store().subscribeToAll((e) => void seen.push(e), { fromPosition: 'start', streamPrefixes: [prefix] });
        await subscription.caughtUp;
        expect(seen.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        await store().append(stream('q'), [event('D', 3)]);
        await store().append(stream('p'), [event('E', 4)]);
        await waitFor(() => seen.length === 5, 'the live events');
        expect(seen.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
        await subscription.stop();
      });

      it('from a checkpoint delivers what follows it (exclusive)', async () => {
        await store().append(stream('c'), [event('A', 0), event('B', 1), event('C', 2)]);
        const [, b] = await store().readStream(stream('c'));
        const seen: string[] = [];
        const subscription = store().subscribeToAll((e) => void seen.push(e.type), { fromPosition: b!.position, streamPrefixes: [prefix] });
        await subscription.caughtUp;
        expect(seen).toEqual(['C']);
        await subscription.stop();
      });

      it("from 'end' delivers only events appended after subscribing", async () => {
        await store().append(stream('old'), [event('Old', 0)]);
        const seen: RecordedEvent[] = [];
        const subscription = store().subscribeToAll((e) => void seen.push(e), { fromPosition: 'end' });
        await subscription.caughtUp;
        await store().append(stream('new'), [event('New', 1)]);
        await waitFor(() => seen.some((e) => e.streamId === stream('new')), 'the new event');
        expect(seen.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.type)).toEqual(['New']);
        await subscription.stop();
      });

      it('stop() stops delivery and resolves done', async () => {
        const seen: RecordedEvent[] = [];
        const subscription = store().subscribeToAll((e) => void seen.push(e), { fromPosition: 'end', streamPrefixes: [prefix] });
        await subscription.caughtUp;
        await store().append(stream('s'), [event('Before', 0)]);
        await waitFor(() => seen.length === 1, 'the first event');
        await subscription.stop();
        await expect(subscription.done).resolves.toBeUndefined();
        await store().append(stream('s'), [event('After', 1)]);
        await sleep(300);
        expect(seen.map((e) => e.type)).toEqual(['Before']);
      });

      it('a handler that throws ends the subscription and rejects done', async () => {
        await store().append(stream('boom'), [event('A', 0), event('B', 1)]);
        const seen: string[] = [];
        const subscription = store().subscribeToAll(
          (e) => {
            seen.push(e.type);
            if (e.type === 'A') throw new Error('handler failed');
          },
          { streamPrefixes: [prefix] },
        );
        await expect(subscription.done).rejects.toThrow('handler failed');
        expect(seen).toEqual(['A']);
      });
    });

    describe('checkpoints', () => {
      it('catches up from a stored checkpoint after the store is closed and reopened, losing nothing', async () => {
        const memory = new InMemoryCheckpointStore();
        const checkpoints = (): CheckpointStore => current.checkpoints ?? memory;
        const subscriber = `${prefix}-projection`;
        const received: RecordedEvent[] = [];
        const subscribe = async (): Promise<{ stop(): Promise<void> }> => {
          const from = await checkpoints().load(subscriber);
          return store().subscribeToAll(
            async (e) => {
              received.push(e);
              await checkpoints().store(subscriber, e.position);
            },
            { fromPosition: from ?? 'start', streamPrefixes: [prefix] },
          );
        };
        const appendFive = async (round: number): Promise<void> => {
          for (let n = 0; n < 5; n++) await store().append(stream(`k${n % 2}`), [event('N', { round, n })]);
        };

        await appendFive(1);
        const first = await subscribe();
        await waitFor(() => received.length === 5, 'the first five');
        await first.stop();
        await appendFive(2);
        await current.store.close();
        current = await current.reopen();
        await appendFive(3);

        expect(await checkpoints().load(subscriber)).toBe(received[4]!.position);
        const second = await subscribe();
        await waitFor(() => received.length >= 15, 'the ten appended while down');
        await sleep(200);
        await second.stop();

        const stored = (await store().readAll()).filter((e) => e.streamId.startsWith(prefix));
        expect(received.map((e) => e.id)).toEqual(stored.map((e) => e.id));
        expect(received.map((e) => (e.data as { round: number }).round)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
      });

      it('stores, loads and overwrites a checkpoint', async () => {
        const checkpoints = current.checkpoints ?? new InMemoryCheckpointStore();
        await expect(checkpoints.load(`${prefix}-unknown`)).resolves.toBeUndefined();
        await checkpoints.store(`${prefix}-p`, 5n);
        await expect(checkpoints.load(`${prefix}-p`)).resolves.toBe(5n);
        await checkpoints.store(`${prefix}-p`, 7n);
        await expect(checkpoints.load(`${prefix}-p`)).resolves.toBe(7n);
      });
    });
  });
}
