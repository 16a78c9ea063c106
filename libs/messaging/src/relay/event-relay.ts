import { PRIVATE_STREAM_PREFIXES } from '@sluice/contracts';
import type { CheckpointStore, EventStore, RecordedEvent } from '@sluice/eventing';
import type { Bus } from '../bus';
import { sleep } from '../delivery/stop-signal';
import { defaultTopicFor } from './default-topic-for';
import { eventToMessage } from './event-message';
import { Backoff, type BackoffOptions } from '../delivery/backoff';

export interface EventRelayOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  bus: Bus;
  /** Names the relay's checkpoint; two relays with the same id would publish the same events. */
  subscriberId: string;
  /** Default: `sluice.<stream category>.events` (see defaultTopicFor). */
  topicFor?: (event: RecordedEvent) => string;
  /** Only events of streams with these prefixes (default: every stream). */
  streamPrefixes?: string[];
  /** Store the checkpoint once this many events were published since the last one (default 100). */
  checkpointEvery?: number;
  /**
   * Caught up, the checkpoint is stored this long after the first publish it has not stored (default 1,000 ms): once
   * per interval however many small batches a busy platform publishes meanwhile, where it was stored after each (one
   * statement per append; decision 0078). A crash republishes at most that interval's events, which consumers dedupe.
   */
  checkpointIntervalMs?: number;
  /** Most events one publish carries (default 500); also bounds what the relay holds in memory. */
  maxBatchSize?: number;
  /** Waits between attempts after a bus, store or checkpoint failure (default 100 ms doubling to 5 s). */
  retry?: BackoffOptions;
  /** Sees every failure the relay retries (it never gives up on them): log it, count it. */
  onError?: (error: unknown, during: 'publish' | 'checkpoint' | 'subscribe') => void;
}

export interface EventRelay {
  /** Stops reading and publishing; stores the checkpoint of what the bus acknowledged. */
  stop(): Promise<void>;
  /** Rejects if the relay cannot go on (topicFor threw, an event cannot be encoded); resolves on stop(). */
  readonly done: Promise<void>;
  /** Position of the last event the bus acknowledged, if any. */
  readonly publishedPosition: bigint | undefined;
}

/**
 * Publishes the events of the store to the bus, in order, from the relay's checkpoint. The store
 * is written first and alone (no dual write): the bus gets an event once it is stored, and the
 * checkpoint moves only after the bus acknowledged, so a bus outage delays events but never
 * loses them. A crash between publish and checkpoint publishes some events again: consumers dedupe.
 */
export async function startEventRelay(options: EventRelayOptions): Promise<EventRelay> {
  const relay = new Relay(options);
  await relay.start();
  return relay;
}

class Relay implements EventRelay {
  publishedPosition: bigint | undefined;
  readonly done: Promise<void>;
  private readonly topicFor: (event: RecordedEvent) => string;
  private readonly checkpointEvery: number;
  private readonly checkpointIntervalMs: number;
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** Stores one at a time, in order: a later position is never overwritten by an earlier one. */
  private storing: Promise<void> = Promise.resolve();
  private readonly maxBatchSize: number;
  private readonly backoff: BackoffOptions;
  private buffer: RecordedEvent[] = [];
  private enqueuedPosition: bigint | 'start' = 'start';
  private checkpointedPosition: bigint | undefined;
  private publishedSinceCheckpoint = 0;
  private stopRequested = false;
  private readonly stopped: Promise<void>;
  private requestStop!: () => void;
  private wakeFlusher: () => void = () => undefined;
  private wakeReader: () => void = () => undefined;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  private loops: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EventRelayOptions) {
    this.topicFor = options.topicFor ?? defaultTopicFor;
    this.checkpointEvery = options.checkpointEvery ?? 100;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1_000;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.backoff = options.retry ?? {};
    if (!(this.checkpointEvery >= 1)) throw new RangeError(`checkpointEvery must be >= 1, got ${options.checkpointEvery}`);
    if (!(this.checkpointIntervalMs >= 0)) throw new RangeError(`checkpointIntervalMs must be >= 0, got ${options.checkpointIntervalMs}`);
    if (!(this.maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be >= 1, got ${options.maxBatchSize}`);
    this.stopped = new Promise((resolve) => (this.requestStop = resolve));
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // observed through stop() or by the owner
  }

  async start(): Promise<void> {
    const checkpoint = await this.options.checkpoints.load(this.options.subscriberId);
    this.checkpointedPosition = checkpoint;
    this.publishedPosition = checkpoint;
    this.enqueuedPosition = checkpoint ?? 'start';
    this.loops = Promise.all([this.read(), this.flush()]).then(
      () => this.settle.resolve(),
      (error) => {
        this.halt();
        this.settle.reject(error);
      },
    );
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.halt();
      await this.loops;
      await this.storeCheckpoint();
    })();
    return this.stopping;
  }

  private halt(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    this.stopRequested = true;
    this.requestStop();
    this.wakeFlusher();
    this.wakeReader();
  }

  /** Keeps a store subscription open from the last enqueued event, opening it again after a failure. */
  private async read(): Promise<void> {
    const retry = new Backoff(this.backoff);
    while (!this.stopRequested) {
      const subscription = this.options.store.subscribeToAll((event) => this.enqueue(event), {
        fromPosition: this.enqueuedPosition,
        streamPrefixes: this.options.streamPrefixes,
      });
      const ended = await Promise.race([subscription.done.then(() => undefined, (error: unknown) => ({ error })), this.stopped]);
      await subscription.stop().catch(() => undefined);
      if (this.stopRequested) return;
      if (ended === undefined) {
        this.halt(); // the store closed the subscription: nothing more will come
        return;
      }
      this.options.onError?.(ended.error, 'subscribe');
      await sleep(retry.next(), this.stopped);
    }
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    // A stream that holds a secret of the platform never leaves the store (its position still counts as passed).
    if (isPrivateStream(event.streamId)) {
      this.enqueuedPosition = event.position;
      return;
    }
    while (this.buffer.length >= this.maxBatchSize && !this.stopRequested) {
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
    if (this.stopRequested) return;
    this.buffer.push(event);
    this.enqueuedPosition = event.position;
    this.wakeFlusher();
  }

  private async flush(): Promise<void> {
    while (!this.stopRequested) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => (this.wakeFlusher = resolve));
        continue;
      }
      const batch = this.buffer.splice(0, this.maxBatchSize);
      this.wakeReader();
      if (!(await this.publish(batch))) return;
      this.publishedPosition = batch[batch.length - 1]!.position;
      this.publishedSinceCheckpoint += batch.length;
      if (this.publishedSinceCheckpoint >= this.checkpointEvery) {
        if (!(await this.retryUntilStopped('checkpoint', () => this.storeCheckpoint()))) return;
      } else if (this.buffer.length === 0) this.checkpointSoon();
    }
  }

  /** Publishes a batch, one publishBatch per topic in order; retries what failed. False if stopped first. */
  private async publish(batch: RecordedEvent[]): Promise<boolean> {
    const byTopic = new Map<string, ReturnType<typeof eventToMessage>[]>();
    for (const event of batch) {
      const topic = this.topicFor(event);
      const messages = byTopic.get(topic) ?? [];
      messages.push(eventToMessage(event));
      byTopic.set(topic, messages);
    }
    for (const [topic, messages] of byTopic) {
      const sent = await this.retryUntilStopped('publish', () => this.options.bus.publishBatch(topic, messages));
      if (!sent) return false;
    }
    return true;
  }

  /** Caught up: the checkpoint stored `checkpointIntervalMs` from now, unless a store is due already. */
  private checkpointSoon(): void {
    if (this.checkpointTimer !== undefined || this.stopRequested) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      // A TypeError cannot come from a checkpoint store; a failure is retried until it succeeds or the relay stops.
      void this.retryUntilStopped('checkpoint', () => this.storeCheckpoint()).catch((error: unknown) => this.options.onError?.(error, 'checkpoint'));
    }, this.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  private storeCheckpoint(): Promise<void> {
    const stored = this.storing.catch(() => undefined).then(() => this.storeNow());
    this.storing = stored;
    return stored;
  }

  private async storeNow(): Promise<void> {
    const position = this.publishedPosition;
    if (position === undefined || position === this.checkpointedPosition) return;
    await this.options.checkpoints.store(this.options.subscriberId, position);
    this.checkpointedPosition = position;
    this.publishedSinceCheckpoint = 0;
  }

  /**
   * Runs `work` until it succeeds, waiting longer after each failure; gives up only on stop. A
   * TypeError (a value JSON cannot carry, a topicFor bug) cannot succeed by waiting: it ends the relay.
   */
  private async retryUntilStopped(during: 'publish' | 'checkpoint', work: () => Promise<void>): Promise<boolean> {
    const retry = new Backoff(this.backoff);
    while (!this.stopRequested) {
      const attempt = work();
      const outcome = await Promise.race([attempt.then(() => 'done' as const, (error: unknown) => ({ error })), this.stopped.then(() => 'stopped' as const)]);
      if (outcome === 'done') return true;
      if (outcome === 'stopped') {
        attempt.catch(() => undefined);
        return false;
      }
      if (outcome.error instanceof TypeError) throw outcome.error;
      this.options.onError?.(outcome.error, during);
      await sleep(retry.next(), this.stopped);
    }
    return false;
  }
}

/** Whether a stream holds the platform's own secrets (`PRIVATE_STREAM_PREFIXES` of the published language), never relayed. */
export function isPrivateStream(streamId: string): boolean {
  return PRIVATE_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
}
