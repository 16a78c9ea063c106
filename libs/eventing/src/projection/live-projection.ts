import type { EventStore, RecordedEvent, Subscription } from '../event-store';
import { PositionWaiters } from './position-waiters';
import type { RebuildableProjection } from './rebuild-projections';

export interface LiveProjectionOptions {
  /** How long `waitForPosition` waits before it gives up. */
  waitTimeoutMs?: number;
  /** Told when the store subscription fails (the waiters fail with it). */
  onError?: (error: Error) => void;
}

/**
 * A service's in-memory read models kept live from the store: subscribes from the first event of the
 * projection's streams, so a start is a replay; `waitForPosition` gives command handlers read-your-writes.
 * The same `RebuildableProjection` the rebuild command folds, so live and rebuilt copies share one fold.
 */
export class LiveProjection<P extends RebuildableProjection> {
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;

  constructor(
    private readonly store: EventStore,
    /** The folds, also what a rebuild compares with (`contents()`). */
    readonly models: P,
    private readonly options: LiveProjectionOptions = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  /** The position of the last event folded in; undefined before the first. */
  get processedPosition(): bigint | undefined {
    return this.positions.current;
  }

  /**
   * Subscribes from the first event (or after `fromPosition`, for folds that start from state loaded elsewhere);
   * resolves once every event stored so far is folded in.
   */
  async start(fromPosition: bigint | 'start' = 'start'): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition,
      streamPrefixes: [...this.models.streamPrefixes],
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
  }

  /** Drops the read models and builds them again by replaying the store. */
  async rebuild(): Promise<void> {
    await this.subscription?.stop();
    await this.models.reset();
    this.positions.reset();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    this.positions.stop();
  }

  /** Resolves once the event at `position` is folded in: a read after a write then sees the write. */
  waitForPosition(position: bigint): Promise<void> {
    return this.positions.waitFor(position);
  }

  // Synchronous folds (every in-memory one) stay synchronous: replay is a hot path.
  private apply(event: RecordedEvent): Promise<void> | void {
    const folded = this.models.apply(event);
    if (folded instanceof Promise) return folded.then(() => this.positions.reached(event.position));
    this.positions.reached(event.position);
  }

  private fail(error: Error): void {
    this.positions.fail(error);
    this.options.onError?.(error);
  }
}
