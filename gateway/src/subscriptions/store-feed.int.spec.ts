import { openEmbeddedEventStore, type EmbeddedEventStore, type RecordedEvent } from '@sluice/eventing';
import { CATCH_UP_CONCURRENCY, storeFeed } from './store-feed';

/** The next `count` values of a feed, or what came before it ended. */
async function take<T>(feed: AsyncIterableIterator<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  while (values.length < count) {
    const next = await feed.next();
    if (next.done) break;
    values.push(next.value);
  }
  return values;
}

describe('storeFeed', () => {
  let store: EmbeddedEventStore;
  beforeAll(async () => {
    store = await openEmbeddedEventStore({ dataDir: 'memory' });
  });
  afterAll(async () => {
    await store.close();
  });

  const note = (n: number) => ({ type: 'Noted', data: { n } });

  it('feeds one stream from after a cursor, then live, reading that stream and never the rest of the store', async () => {
    await store.append('logs-a', [note(1), note(2)]);
    // Much more of the store is in other streams.
    for (let i = 0; i < 20; i++) await store.append(`other-${i}`, Array.from({ length: 25 }, (_, j) => note(j)));
    const [first] = await store.readStream('logs-a');
    const allReads = jest.spyOn(store, 'subscribeToAll');

    const feed = storeFeed(store, { after: first!.position, source: { stream: 'logs-a' }, select: (event: RecordedEvent) => (event.data as { n: number }).n });
    const caughtUp = await take(feed, 1);
    await store.append('other-x', [note(99)]);
    await store.append('logs-a', [note(3)]);
    const live = await take(feed, 1);
    await feed.return!();

    expect([...caughtUp, ...live]).toEqual([2, 3]);
    expect(allReads).not.toHaveBeenCalled();
    allReads.mockRestore();
  });

  it('from cursor 0, the whole stream; without a cursor, only what is appended after the subscription', async () => {
    await store.append('logs-b', [note(1)]);
    const fromZero = storeFeed(store, { after: 0n, source: { stream: 'logs-b' }, select: (event: RecordedEvent) => (event.data as { n: number }).n });
    const fromNow = storeFeed(store, { after: undefined, source: { stream: 'logs-b' }, select: (event: RecordedEvent) => (event.data as { n: number }).n });
    expect(await take(fromZero, 1)).toEqual([1]);
    // The 'end' subscription takes its place before the append below is made.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.append('logs-b', [note(2)]);
    expect(await take(fromZero, 1)).toEqual([2]);
    expect(await take(fromNow, 1)).toEqual([2]);
    await Promise.all([fromZero.return!(), fromNow.return!()]);
  });

  it('feeds streams by prefix from a cursor through the store', async () => {
    const head = (await store.readAll()).at(-1)!.position;
    await store.append('pre-1', [note(1)]);
    await store.append('unrelated', [note(2)]);
    await store.append('pre-2', [note(3)]);
    const feed = storeFeed(store, { after: head, source: { streamPrefixes: ['pre-'] }, select: (event: RecordedEvent) => `${event.streamId}:${(event.data as { n: number }).n}` });
    expect(await take(feed, 2)).toEqual(['pre-1:1', 'pre-2:3']);
    await feed.return!();
  });

  it('lets a crowd of old cursors read history a few at a time, each still getting everything, while live feeds start at once', async () => {
    await store.append('crowd', Array.from({ length: 50 }, (_, i) => note(i)));
    let reading = 0;
    let most = 0;
    const subscribe = store.subscribeToAll.bind(store);
    const spy = jest.spyOn(store, 'subscribeToAll').mockImplementation((handler, options) => {
      const subscription = subscribe(handler, options);
      if (options?.fromPosition !== 'end') {
        reading += 1;
        most = Math.max(most, reading);
        subscription.caughtUp.finally(() => void (reading -= 1));
      }
      return subscription;
    });
    const feeds = Array.from({ length: 12 }, () => storeFeed(store, { after: 0n, source: { streamPrefixes: ['crowd'] }, select: (event: RecordedEvent) => (event.data as { n: number }).n }));
    const live = storeFeed(store, { after: undefined, source: { streamPrefixes: ['crowd'] }, select: (event: RecordedEvent) => (event.data as { n: number }).n });
    const everyone = await Promise.all(feeds.map((feed) => take(feed, 50)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.append('crowd', [note(50)]);
    expect(await take(live, 1)).toEqual([50]);
    await Promise.all([...feeds, live].map((feed) => feed.return!()));
    spy.mockRestore();

    expect(everyone.every((values) => values.join() === Array.from({ length: 50 }, (_, i) => i).join())).toBe(true);
    expect(most).toBeLessThanOrEqual(CATCH_UP_CONCURRENCY);
    expect(most).toBeGreaterThan(0);
  });
});
