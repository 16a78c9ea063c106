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

describe('the live tail: live $all subscriptions share one read per append', () => {
  let db: PGliteThread;
  let executor: CountingExecutor;
  let store: SqlEventStore;
  const subscriptions: Subscription[] = [];

  beforeEach(async () => {
    db = await PGliteThread.open(undefined);
    await db.runScript(schemaSql('tail'));
    executor = new CountingExecutor(db);
    store = new SqlEventStore(executor, 'tail', { ...defaultSqlEventStoreSettings, pageSize: 10, pollIntervalMs: 60_000 });
  });
  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await store.close();
    await db.close();
  });

  const subscribe = (seen: RecordedEvent[], prefixes?: string[]): Subscription => {
    const subscription = store.subscribeToAll((e) => void seen.push(e), { fromPosition: 'start', streamPrefixes: prefixes });
    subscriptions.push(subscription);
    return subscription;
  };

  it('twelve live subscriptions read the store about once per append, not twice each', async () => {
    const seen = Array.from({ length: 12 }, () => [] as RecordedEvent[]);
    const subs = seen.map((list, i) => subscribe(list, i % 2 === 0 ? undefined : ['a-']));
    await Promise.all(subs.map((s) => s.caughtUp));
    const before = executor.reads();
    for (let i = 0; i < 20; i += 1) {
      await store.append(i % 2 === 0 ? `a-${i}` : `b-${i}`, [event(`E${i}`)]);
      await until(() => seen.every((list, s) => list.length === (s % 2 === 0 ? i + 1 : Math.floor(i / 2) + 1)));
    }
    const reads = executor.reads() - before;
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
    await store.append('s-1', [event('Shared')]);
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
    subscriptions.push(
      store.subscribeToAll(async (e) => {
        if (slow.length === 0) await gate;
        slow.push(e);
      }),
    );
    await subscribe(fast).caughtUp;
    for (let i = 0; i < 120; i += 1) await store.append(`s-${i % 7}`, [event(`E${i}`)]);
    await until(() => fast.length === 120);
    release();
    await until(() => slow.length === 120);
    const types = Array.from({ length: 120 }, (_, i) => `E${i}`);
    expect(slow.map((e) => e.type)).toEqual(types);
    expect(fast.map((e) => e.type)).toEqual(types);
  });

  it('a subscription from the end sees only what is appended after it', async () => {
    await store.append('old-1', [event('Old')]);
    const seen: RecordedEvent[] = [];
    const sub = store.subscribeToAll((e) => void seen.push(e), { fromPosition: 'end' });
    subscriptions.push(sub);
    await sub.caughtUp;
    await store.append('new-1', [event('New')]);
    await until(() => seen.length === 1);
    expect(seen.map((e) => e.type)).toEqual(['New']);
  });
});
