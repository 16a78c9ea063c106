import type { EventHandler, RecordedEvent, Subscription } from '../event-store';

/** What the runner uses of the client's subscription: a readable of resolved events. */
export interface ClientSubscription<T> extends AsyncIterable<T> {
  readonly readableLength: number;
  on(event: 'confirmation' | 'caughtUp', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
  destroy(): unknown;
}

export interface CatchUpSubscriptionOptions<T> {
  source: ClientSubscription<T>;
  /** The envelope of an item, or undefined to skip it. */
  toEvent(item: T): RecordedEvent | undefined;
  handler: EventHandler;
  /**
   * The checkpoint delivery starts after. From 'end' there is nothing to catch up with, but the
   * server fixes where 'end' is only when it confirms the subscription: an event appended before
   * that would be missed, so caughtUp waits for the confirmation.
   */
  after: bigint | 'start' | 'end';
  /** Where a delivered event stands, in the unit of `after` and `head` ($all position or stream revision). */
  progressOf(event: RecordedEvent): bigint;
  /**
   * The last event stored when the subscription started (undefined: there is none). Servers before
   * EventStoreDB 23.10 send no caught-up message, and before 24.2 none for a stream that does not exist.
   */
  head: () => Promise<bigint | undefined>;
}

/**
 * Delivers the client's events one at a time to the handler and tells when it has caught up:
 * on the server's caught-up message once every event received before it is handled, or once the
 * event that was last in the store when the subscription started is handled, whichever comes first.
 */
export function startCatchUpSubscription<T>(options: CatchUpSubscriptionOptions<T>): Subscription {
  const { source, toEvent, handler, after, progressOf } = options;
  let stopRequested = false;
  let failure: { error: unknown } | undefined;
  let teardown: Promise<void> | undefined;
  let pulled = 0;
  let settled = 0;
  let serverCaughtUpAt: number | undefined;
  let head: { value: bigint | undefined } | undefined;
  let progress: bigint | undefined = typeof after === 'bigint' ? after : undefined;

  const caughtUp = settleOnce();
  const closing = () => stopRequested || failure !== undefined;

  const checkCaughtUp = () => {
    if (serverCaughtUpAt !== undefined && settled >= serverCaughtUpAt) caughtUp.resolve();
    if (head && (head.value === undefined || (progress !== undefined && progress >= head.value))) caughtUp.resolve();
  };
  const tearDown = () => {
    teardown ??= (async () => {
      // A cancelled or failed stream reports its own error through the 'error' listener below.
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    })();
    return teardown;
  };
  const fail = (error: unknown) => {
    if (closing()) return;
    failure = { error };
    void tearDown();
  };

  source.on('error', fail);
  if (after === 'end') source.on('confirmation', () => caughtUp.resolve());
  source.on('caughtUp', () => {
    // Every event the server sent before this message was either taken by the loop or is still buffered.
    serverCaughtUpAt = pulled + source.readableLength;
    checkCaughtUp();
  });
  if (after !== 'end') {
    options.head().then((value) => {
      head = { value };
      checkCaughtUp();
    }, fail);
  }

  const loop = (async () => {
    try {
      for await (const item of source) {
        if (closing()) break;
        pulled += 1;
        const event = toEvent(item);
        if (event) {
          try {
            await handler(event);
          } catch (error) {
            // Reported even when stop() was called while this handler ran.
            failure ??= { error };
            void tearDown();
            break;
          }
          progress = progressOf(event);
        }
        settled += 1;
        checkCaughtUp();
      }
      if (!closing()) fail(new Error('The subscription ended without being stopped'));
    } catch (error) {
      fail(error);
    }
  })();

  const done = loop.then(() => {
    if (failure) {
      caughtUp.reject(failure.error);
      throw failure.error;
    }
    caughtUp.reject(new Error('The subscription was stopped before it caught up'));
  });
  // Both are observed by whoever reads them; neither may crash the process as unhandled.
  done.catch(() => undefined);

  return {
    done,
    caughtUp: caughtUp.promise,
    async stop() {
      stopRequested = true;
      await tearDown();
      await loop;
    },
  };
}

/** A subscription that matches nothing: caught up at once, done when stopped. */
export function idleSubscription(): Subscription {
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return {
    done,
    caughtUp: Promise.resolve(),
    async stop() {
      stopped();
    },
  };
}

function settleOnce() {
  let settled = false;
  let resolvePromise!: () => void;
  let rejectPromise!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    resolvePromise = resolve;
    rejectPromise = reject;
  });
  promise.catch(() => undefined);
  return {
    promise,
    resolve() {
      if (!settled) {
        settled = true;
        resolvePromise();
      }
    },
    reject(error: unknown) {
      if (!settled) {
        settled = true;
        rejectPromise(error);
      }
    },
  };
}
