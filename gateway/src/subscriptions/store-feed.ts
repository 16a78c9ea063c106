import type { EventStore, RecordedEvent } from '@sluice/eventing';

type Subscription = ReturnType<EventStore['subscribeToAll']>;

/** Feeds of one store that may read history at once; the others wait their turn, first come first served. */
export const CATCH_UP_CONCURRENCY = 2;
/** The longest a feed keeps its turn before the next waiting one may start too. */
export const CATCH_UP_TURN_MS = 2_000;

class CatchUpGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Resolves with the release once the feed may read; release it exactly once (it is idempotent). */
  async acquire(): Promise<() => void> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    };
  }
}

const gates = new WeakMap<EventStore, CatchUpGate>();

function catchUpGateOf(store: EventStore): CatchUpGate {
  let gate = gates.get(store);
  if (!gate) gates.set(store, (gate = new CatchUpGate(CATCH_UP_CONCURRENCY)));
  return gate;
}

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
  const open = () =>
    'stream' in source
      ? store.subscribeToStream(source.stream, (event) => (after !== undefined && event.position <= after ? undefined : deliver(event)), {
          fromRevision: after === undefined ? 'end' : 'start',
        })
      : store.subscribeToAll(deliver, { fromPosition: after ?? 'end', streamPrefixes: source.streamPrefixes });
  // A feed from a cursor reads history first: a few at a time per store, so a crowd of old cursors queues
  // behind each other instead of taking the store from everyone else (a live feed starts at once).
  const started: Promise<Subscription | undefined> = (after === undefined ? Promise.resolve(() => undefined) : catchUpGateOf(store).acquire()).then((release) => {
    if (ended) {
      release();
      return undefined;
    }
    const subscription = open();
    subscription.caughtUp.then(release, release);
    // A client that does not read holds its feed back: its turn ends anyway, so it cannot hold the others up.
    setTimeout(release, CATCH_UP_TURN_MS).unref();
    return subscription;
  });
  let counted = false;
  void started.then((subscription) => {
    subscription?.caughtUp.then(
      () => {
        if (ended || !options.gauge) return;
        options.gauge.live += 1;
        counted = true;
      },
      () => undefined,
    );
    subscription?.done.then(
      () => undefined,
      (error: unknown) => {
        failure = error;
        wake();
      },
    );
  });

  const finish = async (): Promise<IteratorResult<T>> => {
    if (counted && options.gauge) options.gauge.live -= 1;
    counted = false;
    ended = true;
    wakeProducer?.();
    wake();
    await (await started)?.stop();
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
