import type { RecordedEvent, Subscription } from '../event-store';
import { PGliteThread } from '../embedded/pglite-thread';
import { schemaSql } from './schema';
import { defaultSqlEventStoreSettings, SqlEventStore } from './sql-event-store';
import type { SqlExecutor, SqlStatement } from './sql-executor';

/** Counts the store's queries by statement name. */
class CountingExecutor implements SqlExecutor {
  readonly counts = new Map<string, number>();
  constructor(private readonly inner: SqlExecutor) {}
  query(name: string, text: string, params: readonly (string | null)[]) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    return this.inner.query(name, text, params);
  }
  runScript(text: string) {
    return this.inner.runScript(text);
  }
  transaction(statements: readonly SqlStatement[]) {
    return this.inner.transaction(statements);
  }
  reads(): number {
    return [...this.counts].filter(([name]) => /read-all|head-position/.test(name)).reduce((sum, [, n]) => sum + n, 0);
  }
}

const event = (type: string) => ({ type, data: { type } });
const until = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** One database for the tests of a describe (an initdb takes seconds), a schema and a store of its own for each test. */
function storeEachTest(prefix: string, soleWriter: boolean): { store: SqlEventStore; executor: CountingExecutor; subscriptions: Subscription[] } {
  const fixture = { store: undefined as unknown as SqlEventStore, executor: undefined as unknown as CountingExecutor, subscriptions: [] as Subscription[] };
  let db: PGliteThread;
  let schemas = 0;
  beforeAll(async () => {
    db = await PGliteThread.open(undefined);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    const schema = `${prefix}${(schemas += 1)}`;
    await db.runScript(schemaSql(schema));
    fixture.executor = new CountingExecutor(db);
    fixture.store = new SqlEventStore(fixture.executor, schema, { ...defaultSqlEventStoreSettings, pageSize: 10, pollIntervalMs: 60_000, soleWriter });
  });
  afterEach(async () => {
    await Promise.all(fixture.subscriptions.splice(0).map((s) => s.stop()));
    await fixture.store.close();
  });
  return fixture;
}

describe.each([
  ['another process may append too', false],
  ['its only writer (embedded), whose appends feed the tail', true],
])('the live tail: live $all subscriptions share one read per append; the store is %s', (_, soleWriter) => {
  const fixture = storeEachTest('tail', soleWriter);

  const subscribe = (seen: RecordedEvent[], prefixes?: string[]): Subscription => {
    const subscription = fixture.store.subscribeToAll((e) => void seen.push(e), { fromPosition: 'start', streamPrefixes: prefixes });
    fixture.subscriptions.push(subscription);
    return subscription;
  };

  it('twelve live subscriptions read the store about once per append, not twice each', async () => {
    const seen = Array.from({ length: 12 }, () => [] as RecordedEvent[]);
    const subs = seen.map((list, i) => subscribe(list, i % 2 === 0 ? undefined : ['a-']));
    await Promise.all(subs.map((s) => s.caughtUp));
    const before = fixture.executor.reads();
    for (let i = 0; i < 20; i += 1) {
      await fixture.store.append(i % 2 === 0 ? `a-${i}` : `b-${i}`, [event(`E${i}`)]);
      await until(() => seen.every((list, s) => list.length === (s % 2 === 0 ? i + 1 : Math.floor(i / 2) + 1)));
    }
    const reads = fixture.executor.reads() - before;
    // Each append: one read of the head and the new events, shared (was a head read and a page read for each of 12).
    expect(reads).toBeLessThanOrEqual(20 + 4);
    for (const [s, list] of seen.entries()) {
      const expected = Array.from({ length: 20 }, (_, i) => `E${i}`).filter((_, i) => s % 2 === 0 || i % 2 === 0);
      expect(list.map((e) => e.type)).toEqual(expected);
      expect(list.map((e) => e.position)).toEqual([...list.map((e) => e.position)].sort((x, y) => (x < y ? -1 : 1)));
    }
  });

  it('each subscription gets an event object of its own', async () => {
    const first: RecordedEvent[] = [];
    const second: RecordedEvent[] = [];
    await Promise.all([subscribe(first).caughtUp, subscribe(second).caughtUp]);
    await fixture.store.append('s-1', [event('Shared')]);
    await until(() => first.length === 1 && second.length === 1);
    expect(first[0]).toEqual(second[0]);
    expect(first[0]).not.toBe(second[0]);
    expect(first[0]!.data).not.toBe(second[0]!.data);
  });

  it('a subscription behind the tail reads the store and misses nothing, in order', async () => {
    // More than the tail keeps (4 pages of 10) arrive while one subscription is slow.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: RecordedEvent[] = [];
    const fast: RecordedEvent[] = [];
    fixture.subscriptions.push(
      fixture.store.subscribeToAll(async (e) => {
        if (slow.length === 0) await gate;
        slow.push(e);
      }),
    );
    await subscribe(fast).caughtUp;
    for (let i = 0; i < 120; i += 1) await fixture.store.append(`s-${i % 7}`, [event(`E${i}`)]);
    await until(() => fast.length === 120);
    release();
    await until(() => slow.length === 120);
    const types = Array.from({ length: 120 }, (_, i) => `E${i}`);
    expect(slow.map((e) => e.type)).toEqual(types);
    expect(fast.map((e) => e.type)).toEqual(types);
  });

  it('a subscription from the end sees only what is appended after it', async () => {
    await fixture.store.append('old-1', [event('Old')]);
    const seen: RecordedEvent[] = [];
    const sub = fixture.store.subscribeToAll((e) => void seen.push(e), { fromPosition: 'end' });
    fixture.subscriptions.push(sub);
    await sub.caughtUp;
    await fixture.store.append('new-1', [event('New')]);
    await until(() => seen.length === 1);
    expect(seen.map((e) => e.type)).toEqual(['New']);
  });
});

describe('the only writer feeds the live tail with what it appended', () => {
  const fixture = storeEachTest('fed', true);

  const live = async (count: number): Promise<RecordedEvent[][]> => {
    const seen = Array.from({ length: count }, () => [] as RecordedEvent[]);
    for (const list of seen) fixture.subscriptions.push(fixture.store.subscribeToAll((e) => void list.push(e), { fromPosition: 'start' }));
    await Promise.all(fixture.subscriptions.map((s) => s.caughtUp));
    return seen;
  };

  it('appends one after another: the subscriptions see every event and the store reads no tail', async () => {
    const seen = await live(6);
    await fixture.store.append('warm-1', [event('Warm')]);
    await until(() => seen.every((list) => list.length === 1));
    const before = fixture.executor.counts.get('read-tail') ?? 0;
    for (let i = 0; i < 30; i += 1) {
      await fixture.store.append(`s-${i % 4}`, [event(`E${i}`), event(`F${i}`)]);
      await until(() => seen.every((list) => list.length === 1 + 2 * (i + 1)));
    }
    expect((fixture.executor.counts.get('read-tail') ?? 0) - before).toBe(0);
    const stored = await fixture.store.readAll();
    for (const list of seen) expect(list).toEqual(stored);
  });

  it('what the store answers from earlier events, refuses or writes in one group is delivered exactly as stored', async () => {
    const seen = await live(3);
    const id = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
    const payload = { text: 'é ☃ "quoted" \\ back', nested: { list: [1, 2.5, null, true], empty: {} } };
    await fixture.store.append('odd-1', [{ id, type: 'Upper', data: payload, metadata: { occurredAt: '2026-12-07T00:00:00.000Z', note: 'x' } }]);
    // The same append again (same id): answered from the stored event, nothing new.
    await fixture.store.append('odd-1', [{ id, type: 'Upper', data: payload }]);
    const known = '00000000-0000-4000-8000-000000000001';
    await fixture.store.append('odd-2', [{ id: known, type: 'Known', data: {} }]);
    // Partly known: only the new event is written, at the next position.
    await fixture.store.append('odd-2', [{ id: known, type: 'Known', data: {} }, { type: 'New', data: { n: 1 } }]);
    // One group: a success, a refused expectation, another success.
    const group = await Promise.allSettled([
      fixture.store.append('grp-1', [event('G1'), event('G2')]),
      fixture.store.append('grp-1', [event('Refused')], { expectedRevision: 'no_stream' }),
      fixture.store.append('grp-2', [event('G3')]),
    ]);
    expect(group.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await fixture.store.append('after-1', [event('After')]);
    const stored = await fixture.store.readAll();
    expect(stored.map((e) => e.type)).toEqual(['Upper', 'Known', 'New', 'G1', 'G2', 'G3', 'After']);
    await until(() => seen.every((list) => list.length === stored.length));
    for (const list of seen) expect(list).toEqual(stored);
  });
});
