import { Transform, type TransformCallback } from 'node:stream';
import type { RecordedEvent } from '../event-store';
import { startCatchUpSubscription } from './catch-up-subscription';

const CAUGHT_UP = Symbol('caught up');
const CONFIRMATION = Symbol('confirmation');

/** Behaves like the client's subscription: a Transform that emits 'caughtUp' in order with the events. */
class ServerFeed extends Transform {
  unsubscribed = false;
  constructor() {
    super({ objectMode: true });
  }
  override _transform(item: RecordedEvent | symbol, _: BufferEncoding, next: TransformCallback): void {
    if (typeof item === 'symbol') {
      this.emit(item === CAUGHT_UP ? 'caughtUp' : 'confirmation', {});
      next();
      return;
    }
    next(null, item);
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
}

const event = (position: bigint): RecordedEvent => ({
  id: `e-${position}`,
  type: 'T',
  streamId: 's',
  revision: position,
  position,
  data: {},
  metadata: { correlationId: 'c', causationId: null, actor: 'a', account: 'x', occurredAt: '2024-01-01T00:00:00Z' },
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

function start(
  feed: ServerFeed,
  handler: (e: RecordedEvent) => Promise<void> | void,
  options: { after?: bigint | 'start' | 'end'; head?: () => Promise<bigint | undefined> } = {},
) {
  return startCatchUpSubscription<RecordedEvent>({
    source: feed,
    toEvent: (item) => item,
    handler,
    after: options.after ?? 'start',
    progressOf: (e) => e.position,
    // A head that never answers leaves the server's caught-up message as the only signal.
    head: options.head ?? (() => new Promise<never>(() => undefined)),
  });
}

/** A subscription whose handler waits for `release()` before it records each event's position in `handled`. */
function startGated() {
  const feed = new ServerFeed();
  const handled: bigint[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const subscription = start(feed, async (e) => {
    await gate;
    handled.push(e.position);
  });
  return { feed, handled, release, subscription };
}

describe('catch-up subscription over the client stream', () => {
  it('delivers one event at a time, in order', async () => {
    const feed = new ServerFeed();
    const seen: string[] = [];
    let running = 0;
    const subscription = start(feed, async (e) => {
      running += 1;
      expect(running).toBe(1);
      await tick();
      seen.push(e.id);
      running -= 1;
    });
    [1n, 2n, 3n].forEach((p) => feed.write(event(p)));
    feed.write(CAUGHT_UP);
    await subscription.caughtUp;
    expect(seen).toEqual(['e-1', 'e-2', 'e-3']);
    await subscription.stop();
    await expect(subscription.done).resolves.toBeUndefined();
    expect(feed.unsubscribed).toBe(true);
  });

  it('is caught up only once the events received before the caught-up message are handled', async () => {
    const { feed, handled, release, subscription } = startGated();
    let caughtUp = false;
    void subscription.caughtUp.then(() => (caughtUp = true));
    [10n, 20n].forEach((p) => feed.write(event(p)));
    feed.write(CAUGHT_UP);
    await tick();
    expect(caughtUp).toBe(false);
    release();
    await subscription.caughtUp;
    expect(handled).toEqual([10n, 20n]);
    await subscription.stop();
  });

  it('without a caught-up message, is caught up when the event that was last in the store is handled', async () => {
    const feed = new ServerFeed();
    const handled: bigint[] = [];
    const subscription = start(feed, (e) => void handled.push(e.position), { head: async () => 30n });
    [10n, 20n, 30n].forEach((p) => feed.write(event(p)));
    await subscription.caughtUp;
    expect(handled).toEqual([10n, 20n, 30n]);
    await subscription.stop();
  });

  it('from the end, is caught up once the server has confirmed the subscription', async () => {
    const feed = new ServerFeed();
    const subscription = start(feed, () => undefined, { after: 'end' });
    let caughtUp = false;
    void subscription.caughtUp.then(() => (caughtUp = true));
    await tick();
    expect(caughtUp).toBe(false);
    feed.write(CONFIRMATION);
    await subscription.caughtUp;
    await subscription.stop();
  });

  it('is caught up at once from a checkpoint at the head, or on an empty store', async () => {
    for (const options of [{ after: 30n, head: async () => 30n }, { head: async () => undefined }]) {
      const subscription = start(new ServerFeed(), () => undefined, options);
      await expect(subscription.caughtUp).resolves.toBeUndefined();
      await subscription.stop();
    }
  });

  it('stops when the handler throws, and rejects done with its error', async () => {
    const feed = new ServerFeed();
    const failure = new Error('projection failed');
    const handled: bigint[] = [];
    const subscription = start(feed, (e) => {
      if (e.position === 2n) throw failure;
      handled.push(e.position);
    });
    [1n, 2n, 3n].forEach((p) => feed.write(event(p)));
    await expect(subscription.done).rejects.toBe(failure);
    await expect(subscription.caughtUp).rejects.toBe(failure);
    expect(handled).toEqual([1n]);
    expect(feed.unsubscribed).toBe(true);
  });

  it('rejects done with the error of the client stream', async () => {
    const feed = new ServerFeed();
    const subscription = start(feed, () => undefined);
    const unavailable = new Error('unavailable');
    feed.emit('error', unavailable);
    await expect(subscription.done).rejects.toBe(unavailable);
  });

  it('stop() waits for the handler call in progress and delivers nothing after it', async () => {
    const { feed, handled, release, subscription } = startGated();
    [1n, 2n].forEach((p) => feed.write(event(p)));
    await tick();
    let stopped = false;
    const stopping = subscription.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(handled).toEqual([1n]);
    await expect(subscription.done).resolves.toBeUndefined();
    await expect(subscription.caughtUp).rejects.toThrow(/stopped before it caught up/);
  });
});
