import type { EventStore, RecordedEvent, Subscription } from '../event-store';
import { PositionWaiters } from '../projection/position-waiters';
import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { advanceCheckpoint, CHECKPOINT_MOVED, ensureReadModel, loadReadModelCheckpoint, NOTHING_FOLDED } from './read-model-checkpoint';

export interface DurableProjectionRunnerOptions {
  /** How long `waitForPosition` waits before it gives up. */
  waitTimeoutMs?: number;
  /** Told when the subscription fails for good (the waiters fail with it). */
  onError?: (error: Error) => void;
  /** Told after each event's transaction committed (tests use it to crash a process between two events). */
  onFolded?: (event: RecordedEvent) => void | Promise<void>;
}

/**
 * Keeps a durable projection live: resumes after its checkpoint (reads only what it has not folded), and folds each
 * event in one transaction with the checkpoint's move (docs/decisions/0048). Several processes may run the same
 * projection: each event is applied by one of them; the others see their checkpoint moved, reload it and go on.
 */
export class DurableProjectionRunner {
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;
  private position = NOTHING_FOLDED;
  private stopped = false;
  /** Events the store delivered to this runner since it was made: a restart reads only those after the checkpoint. */
  eventsRead = 0;
  /** Events this runner folded (committed). */
  eventsFolded = 0;

  constructor(
    private readonly store: EventStore,
    readonly database: ReadModelDatabase,
    readonly projection: DurableProjection,
    private readonly options: DurableProjectionRunnerOptions = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  /** The checkpoint this runner last committed or loaded; NOTHING_FOLDED (-1) before the first event. */
  get checkpoint(): bigint {
    return this.position;
  }

  /** Creates the tables if needed, resumes after the checkpoint; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    this.stopped = false;
    await ensureReadModel(this.database, this.projection);
    await this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    this.subscription = undefined;
    this.positions.stop();
  }

  /** Resolves once the event at `position` is folded in (by this process or another): a read after a write sees it. */
  waitForPosition(position: bigint): Promise<void> {
    return this.positions.waitFor(position);
  }

  /** Subscribes after the checkpoint; again after it, as it is then, if another process moved it while catching up. */
  private async subscribe(): Promise<void> {
    for (;;) {
      this.position = await loadReadModelCheckpoint(this.database, this.projection);
      if (this.position !== NOTHING_FOLDED) this.positions.reached(this.position);
      const subscription = this.store.subscribeToAll((event) => this.fold(event), {
        fromPosition: this.position === NOTHING_FOLDED ? 'start' : this.position,
        streamPrefixes: [...this.projection.streamPrefixes],
      });
      this.subscription = subscription;
      let live = false;
      subscription.done.catch((error: unknown) => {
        if (live) this.failed(subscription, error);
      });
      try {
        await subscription.caughtUp;
        live = true;
        return;
      } catch (error) {
        if (this.stopped || !isCheckpointMoved(error)) {
          this.fail(error);
          throw error;
        }
      }
    }
  }

  private async fold(event: RecordedEvent): Promise<void> {
    this.eventsRead += 1;
    const statements = this.projection.fold(event, this.database.schema);
    await this.database.transaction([advanceCheckpoint(this.database, this.projection, this.position, event.position), ...statements]);
    this.position = event.position;
    this.eventsFolded += 1;
    this.positions.reached(event.position);
    await this.options.onFolded?.(event);
  }

  private failed(subscription: Subscription, error: unknown): void {
    if (this.stopped || subscription !== this.subscription) return;
    if (isCheckpointMoved(error)) {
      // Another process folded this event (or a rebuild reset the tables): go on from the checkpoint as it is now.
      this.subscribe().catch((again: unknown) => this.fail(again));
      return;
    }
    this.fail(error);
  }

  private fail(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.positions.fail(failure);
    this.options.onError?.(failure);
  }
}

const isCheckpointMoved = (error: unknown): boolean => (error as { code?: string } | undefined)?.code === CHECKPOINT_MOVED;
