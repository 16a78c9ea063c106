import { openEmbeddedEventStore, type EmbeddedEventStore } from '../embedded';
import type { RecordedEvent } from '../event-store';
import { scanStreams } from './as-of';
import { rebuildProjections, type RebuildableProjection, type RebuildProgress } from './rebuild-projections';

// rebuildProjections and scanStreams on the embedded store (PGlite, in memory).
let store: EmbeddedEventStore;

/** Counts events per stream of its prefixes; `failOn` makes it throw on one event type. */
class CountingProjection implements RebuildableProjection {
  counts = new Map<string, number>();
  position: bigint | undefined;
  resets = 0;
  stored: bigint | undefined;
  constructor(
    readonly name: string,
    readonly streamPrefixes: string[],
    private readonly failOn?: string,
  ) {}
  reset() {
    this.counts = new Map();
    this.position = undefined;
    this.resets += 1;
  }
  apply(event: RecordedEvent) {
    if (event.type === this.failOn) throw new Error('cannot fold this');
    this.counts.set(event.streamId, (this.counts.get(event.streamId) ?? 0) + 1);
    this.position = event.position;
  }
  checkpoint() {
    return this.position;
  }
  rebuilt(position: bigint | undefined) {
    this.stored = position;
  }
  contents() {
    return this.counts;
  }
}

beforeAll(async () => {
  store = await openEmbeddedEventStore({ dataDir: 'memory' });
  for (let i = 0; i < 25; i++) {
    await store.append(`order-${i % 5}`, Array.from({ length: 100 }, (_, n) => ({ type: n === 99 && i === 24 ? 'Odd' : 'Placed', data: { n } })));
    await store.append(`invoice-${i % 3}`, [{ type: 'Sent', data: { i } }]);
  }
});

afterAll(async () => {
  await store?.close();
});

describe('rebuildProjections', () => {
  it('drops each projection and folds the store into it, counting progress', async () => {
    const orders = new CountingProjection('shop.orders', ['order-']);
    const all = new CountingProjection('shop.all', ['order-', 'invoice-']);
    orders.counts.set('stale', 1);
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjections(store, [orders, all], { pageSize: 700, onProgress: (p) => progress.push(p) });
    expect(result.events).toBe(2_525);
    expect(result.folded).toEqual({ 'shop.orders': 2_500, 'shop.all': 2_525 });
    expect(orders.resets).toBe(1);
    expect(orders.counts.has('stale')).toBe(false);
    expect([...orders.counts.values()]).toEqual([500, 500, 500, 500, 500]);
    expect(all.checkpoint()).toBe(result.lastPosition);
    expect(all.stored).toBe(result.lastPosition);
    expect(orders.checkpoint()).toBe(2_524n); // the last order event (the last event of the store is an invoice)
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.map((p) => p.read)).toEqual([...progress.map((p) => p.read)].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toMatchObject({ read: 2_525, total: 2_525, done: true, folded: { 'shop.orders': 2_500, 'shop.all': 2_525 } });
  });

  it('reports the position a projection folded by its database reached as it goes, beside a pass for the others', async () => {
    const orders = new CountingProjection('shop.orders', ['order-']);
    // Folds "in its database" in ranges of 1,000 positions, each range's progress reported as a real one is.
    const ranges: bigint[] = [];
    const inDatabase: RebuildableProjection = {
      name: 'shop.by-sql',
      streamPrefixes: ['order-'],
      reset: () => undefined,
      apply: () => {
        throw new Error('folded by its database, never given events');
      },
      checkpoint: () => ranges.at(-1),
      contents: () => ranges,
      async rebuildInDatabase(progress) {
        for (const end of [1_000n, 2_000n, 2_525n]) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          ranges.push(end);
          progress(end);
        }
        return { lastPosition: 2_525n, folded: 2_500 };
      },
    };
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjections(store, [orders, inDatabase], { pageSize: 700, onProgress: (p) => progress.push(p) });
    expect(result.folded).toEqual({ 'shop.orders': 2_500, 'shop.by-sql': 2_500 });
    const during = progress.filter((p) => !p.done).map((p) => p.reached['shop.by-sql']);
    expect(during).toEqual(expect.arrayContaining([1_000, 2_000, 2_525]));
    expect(during).toEqual([...during].sort((a, b) => a! - b!));
    expect(progress.at(-1)).toMatchObject({ done: true, reached: { 'shop.by-sql': 2_525 }, folded: { 'shop.by-sql': 2_500 } });
    expect(Object.keys(progress.at(-1)!.reached)).toEqual(['shop.by-sql']);
  });

  it('names the projection and the event it could not fold', async () => {
    await expect(rebuildProjections(store, [new CountingProjection('shop.strict', ['order-'], 'Odd')])).rejects.toThrow(
      /Projection 'shop\.strict' failed on event \d+ \(Odd of order-4\): cannot fold this/,
    );
  });

  it('refuses two projections of one name', async () => {
    await expect(rebuildProjections(store, [new CountingProjection('twice', ['a']), new CountingProjection('twice', ['b'])])).rejects.toThrow(/'twice'/);
  });
});

describe('scanStreams', () => {
  it('reads only the streams of the prefixes, in position order, up to the head', async () => {
    const seen: RecordedEvent[] = [];
    await scanStreams(store, ['invoice-'], (event) => {
      seen.push(event);
      return 'continue';
    });
    expect(seen).toHaveLength(25);
    expect(seen.every((e) => e.streamId.startsWith('invoice-'))).toBe(true);
    expect(seen.map((e) => e.position)).toEqual([...seen.map((e) => e.position)].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('stops when asked to', async () => {
    let calls = 0;
    await scanStreams(store, ['order-'], () => (++calls === 10 ? 'stop' : 'continue'));
    expect(calls).toBe(10);
  });
});
