import type { EventStore, RecordedEvent } from '@sluice/eventing';

export interface StoreFeedOptions<T> {
  /** The cursor of the last update the subscriber has: delivery starts after it; absent = from now on. */
  after: bigint | undefined;
  /**
   * Where the events are: the streams with these prefixes (a filtered read of `$all` from `after`), or one stream,
   * read from its own first event and skipped up to `after` — the store's other streams are never read, so a
   * cursor far behind the head (or `0`) costs what the stream holds, not what the store holds.
   */
  source: { streamPrefixes: string[] } | { stream: string };
  /** The update an event makes for this subscriber, or undefined to skip it. */
  select: (event: RecordedEvent) => Promise<T | undefined> | T | undefined;
  /** Updates queued for a slow client before the store subscription waits for it. */
  highWaterMark?: number;
  /** Counts the feeds caught up with the store and not yet ended (a gauge for `/metrics`). */
  gauge?: FeedGauge;
}

export interface FeedGauge {
  live: number;
}

/**
 * One store subscription as the async iterator a GraphQL subscription resolver returns. The store delivers
 * in position order and waits for each handler, so a slow client holds back only its own subscription (the
 * queue is bounded), and what it receives is gap-free and without duplicates from `after` on.
 */
export function storeFeed<T>(store: EventStore, options: StoreFeedOptions<T>): AsyncIterableIterator<T> {
  const highWaterMark = options.highWaterMark ?? 256;
  const queue: T[] = [];
  let failure: unknown;
  let ended = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const deliver = async (event: RecordedEvent) => {
    const update = await options.select(event);
    if (update === undefined || ended) return;
    queue.push(update);
    wake();
    if (queue.length >= highWaterMark) await new Promise<void>((resolve) => (wakeProducer = resolve));
  };
  const { source, after } = options;
  const subscription =
    'stream' in source
      ? store.subscribeToStream(source.stream, (event) => (after !== undefined && event.position <= after ? undefined : deliver(event)), {
          fromRevision: after === undefined ? 'end' : 'start',
        })
      : store.subscribeToAll(deliver, { fromPosition: after ?? 'end', streamPrefixes: source.streamPrefixes });
  let counted = false;
  subscription.caughtUp.then(
    () => {
      if (ended || !options.gauge) return;
      options.gauge.live += 1;
      counted = true;
    },
    () => undefined,
  );
  subscription.done.then(
    () => undefined,
    (error: unknown) => {
      failure = error;
      wake();
    },
  );

  const finish = async (): Promise<IteratorResult<T>> => {
    if (counted && options.gauge) options.gauge.live -= 1;
    counted = false;
    ended = true;
    wakeProducer?.();
    wake();
    await subscription.stop();
    return { done: true, value: undefined };
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (queue.length > 0) {
          const value = queue.shift() as T;
          if (queue.length < highWaterMark) {
            wakeProducer?.();
            wakeProducer = undefined;
          }
          return { done: false, value };
        }
        if (failure !== undefined) {
          await finish();
          throw failure;
        }
        if (ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    },
    return: finish,
    async throw(error: unknown) {
      await finish();
      throw error;
    },
  };
}
