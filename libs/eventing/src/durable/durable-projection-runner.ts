import type { EventStore, RecordedEvent, Subscription } from '../event-store';
import { PositionWaiters } from '../projection/position-waiters';
import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { advanceCheckpoint, CHECKPOINT_MOVED, ensureReadModel, loadReadModelCheckpoint, NOTHING_FOLDED } from './read-model-checkpoint';
import { foldStoredEventsInDatabase } from './fold-in-database';

export interface DurableProjectionRunnerOptions {
  /** How long `waitForPosition` waits before it gives up. */
  waitTimeoutMs?: number;
  /** Told when the projection fails for good (the waiters fail with it). */
  onError?: (error: Error) => void;
  /** Events folded per transaction at most. Default 500. */
  batchSize?: number;
  /** Told after each transaction committed, with its events (tests use it to crash a process between two transactions). */
  onCommitted?: (events: readonly RecordedEvent[]) => void | Promise<void>;
  /**
   * Once caught up, how long live events wait to be committed together (default 0: each page at once). A read model
   * fed by every execution event commits a transaction per few events otherwise, on the store's own database; a waiter
   * (`waitForPosition`) has the batch committed at once.
   */
  commitIntervalMs?: number;
  /**
   * At a start, what the checkpoint has not seen is folded by the database itself (`foldStoredEventsInDatabase`), when
   * the projection has a SQL fold and its tables are beside the store's events; the subscription then starts after it
   * (decision 0074). For a process that should not hold a long history's events while it catches up: the gateway.
   */
  catchUpInDatabase?: boolean;
}

/** Positions per transaction of a catch-up in the database. */
const CATCH_UP_BATCH = 10_000;

/**
 * Keeps a durable projection live: resumes after its checkpoint (reads only what it has not folded), and folds events
 * in transactions that also move the checkpoint (docs/decisions/0048). Events are batched: those the store delivers
 * together (a catch-up page, a burst) are committed together, up to `batchSize`; a lone event is committed at once.
 * Several processes may run the same projection: each event is applied by one of them; the others find their
 * checkpoint moved, reload it and go on after it.
 */
export class DurableProjectionRunner {
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;
  private readonly batchSize: number;
  private position = NOTHING_FOLDED;
  private stopped = false;
  private buffer: RecordedEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** What the last committed batch left for the next (`DurableProjection.foldCarrying`). */
  private carried: unknown;
  private flushScheduled = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly commitIntervalMs: number;
  /** The highest position a waiter asked for: while the checkpoint is below it, live events are committed at once. */
  private waitedFor = NOTHING_FOLDED;
  /** Whether the current subscription has caught up (its failures are then the runner's, not start()'s). */
  private live = false;
  /** A failure of a commit no event was waiting for, while catching up: what start() reports. */
  private flushError: unknown;
  /** Events the store delivered to this runner since it was made: a restart reads only those after the checkpoint. */
  eventsRead = 0;
  /** Events this runner folded (committed). */
  eventsFolded = 0;
  /** The last position its catch-up in the database folded to (`catchUpInDatabase`), if it folded any. */
  foldedInDatabase: bigint | undefined;

  constructor(
    private readonly store: EventStore,
    readonly database: ReadModelDatabase,
    readonly projection: DurableProjection,
    private readonly options: DurableProjectionRunnerOptions = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
    this.batchSize = options.batchSize ?? 500;
    this.commitIntervalMs = options.commitIntervalMs ?? 0;
  }

  /** The checkpoint this runner last committed or loaded; NOTHING_FOLDED (-1) before the first event. */
  get checkpoint(): bigint {
    return this.position;
  }

  /** Creates the tables if needed, resumes after the checkpoint; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    this.stopped = false;
    await ensureReadModel(this.database, this.projection);
    if (this.options.catchUpInDatabase && this.projection.rebuildSql && this.database.holdsStoreEvents) await this.catchUpInDatabase();
    await this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushScheduled = false;
    await this.subscription?.stop();
    this.subscription = undefined;
    // Events not committed yet are dropped: the next start reads them again after the checkpoint.
    this.buffer = [];
    await this.flushing;
    this.positions.stop();
  }

  /** Resolves once the event at `position` is folded in (by this process or another): a read after a write sees it. */
  waitForPosition(position: bigint): Promise<void> {
    const waiting = this.positions.waitFor(position);
    if (position > this.waitedFor) this.waitedFor = position;
    // A batch held for the commit interval is committed now: someone reads after a write.
    if (this.flushTimer && position > this.position) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.scheduledFlush();
    }
    return waiting;
  }

  private async catchUpInDatabase(): Promise<void> {
    try {
      const last = await foldStoredEventsInDatabase(this.database, this.projection, CATCH_UP_BATCH, undefined, () => this.stopped);
      if (last !== NOTHING_FOLDED) this.foldedInDatabase = last;
    } catch (error) {
      // Another process folds them: the subscription goes on after the checkpoint as it is then.
      if (!isCheckpointMoved(error)) throw error;
    }
  }

  /** Subscribes after the checkpoint; again after it, as it is then, if another process moved it while catching up. */
  private async subscribe(): Promise<void> {
    for (;;) {
      await this.flushing;
      this.buffer = [];
      this.position = await loadReadModelCheckpoint(this.database, this.projection);
      // From the checkpoint as it is now: what an earlier batch left may be older than the tables.
      this.carried = undefined;
      if (this.position !== NOTHING_FOLDED) this.positions.reached(this.position);
      const subscription = this.store.subscribeToAll((event) => this.deliver(event), {
        fromPosition: this.position === NOTHING_FOLDED ? 'start' : this.position,
        streamPrefixes: [...this.projection.streamPrefixes],
      });
      this.subscription = subscription;
      this.live = false;
      this.flushError = undefined;
      subscription.done.catch((error: unknown) => {
        if (this.live) this.failed(subscription, error);
      });
      try {
        await subscription.caughtUp;
        await this.flush();
        this.live = true;
        return;
      } catch (caught) {
        const error = this.flushError ?? caught;
        await subscription.stop();
        if (this.stopped || !isCheckpointMoved(error)) {
          this.fail(error);
          throw error;
        }
      }
    }
  }

  /** Buffers the event; a full batch is committed before the next event, a partial one once the store has no more to give now. */
  private deliver(event: RecordedEvent): Promise<void> | void {
    this.eventsRead += 1;
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the page's other events (delivered without I/O in between): while the subscription reads the next page;
      // live, after the commit interval if there is one.
      if (this.live && this.commitIntervalMs > 0 && this.waitedFor <= this.position) this.flushTimer = setTimeout(() => this.scheduledFlush(), this.commitIntervalMs);
      else setImmediate(() => this.scheduledFlush());
    }
  }

  private scheduledFlush(): void {
    this.flushTimer = undefined;
    if (!this.flushScheduled) return;
    this.flushScheduled = false;
    if (this.stopped) return;
    const subscription = this.subscription;
    this.flush().catch((error: unknown) => {
      if (!subscription) return;
      // Whether the subscription is live is asked when the commit failed, not when it was scheduled: a flush scheduled
      // while catching up can fail after start() went live, and only failed() then subscribes again.
      if (!this.live) this.flushError = error; // start() sees it when the stop below fails its catch-up
      void subscription.stop().then(() => {
        if (this.live) this.failed(subscription, error);
      });
    });
  }

  /** Commits the buffered events (after any commit in flight): their rows and the checkpoint's move, in one transaction. */
  private flush(): Promise<void> {
    const run = this.flushing.then(() => this.commit());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async commit(): Promise<void> {
    const events = this.buffer;
    if (events.length === 0) return;
    this.buffer = [];
    const last = events[events.length - 1]!.position;
    // What the last committed batch left, used once: a batch that fails to commit leaves nothing to carry.
    const carried = this.carried;
    this.carried = undefined;
    const { projection, database } = this;
    const folded = projection.foldCarrying ? await projection.foldCarrying(events, database.schema, database, carried) : { statements: await projection.fold(events, database.schema, database), carried: undefined };
    await this.database.transaction([advanceCheckpoint(this.database, this.projection, this.position, last), ...folded.statements]);
    this.carried = folded.carried;
    this.position = last;
    this.eventsFolded += events.length;
    this.positions.reached(last);
    await this.options.onCommitted?.(events);
  }

  private failed(subscription: Subscription, error: unknown): void {
    if (this.stopped || subscription !== this.subscription) return;
    this.subscription = undefined;
    if (isCheckpointMoved(error)) {
      // Another process folded these events (or a rebuild reset the tables): go on from the checkpoint as it is now.
      this.subscribe().catch(() => undefined);
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
