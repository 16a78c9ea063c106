import { PositionWaiters } from '../projection/position-waiters';
import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { ensureReadModel, loadReadModelCheckpoint, NOTHING_FOLDED } from './read-model-checkpoint';

/** Where a durable read model is: what a reader of its tables needs, whichever process folds it. */
export interface DurableReadModelPosition {
  /** The checkpoint last seen committed; NOTHING_FOLDED (-1) before the first event. */
  readonly checkpoint: bigint;
  /** Resolves once the read model's checkpoint is at `position` or after it. */
  waitForPosition(position: bigint): Promise<void>;
}

export interface DurableProjectionFollowerOptions {
  /** How long `waitForPosition` waits before it gives up (ProjectionLagError). */
  waitTimeoutMs?: number;
  /** How often the checkpoint is read while someone waits (default 100 ms). */
  pollMs?: number;
}

/**
 * For a process that reads a durable read model another process folds (docs/decisions/0061): it folds nothing, it
 * reads the checkpoint row the folding process commits with the rows. `waitForPosition` polls that row while a
 * waiter waits (and only then), so a read after a write sees it once the folding process has committed it. The
 * checkpoint is that of the projection's streams: a position of another stream is reached when a later event of
 * the projection's streams is folded, not before.
 */
export class DurableProjectionFollower implements DurableReadModelPosition {
  private readonly positions: PositionWaiters;
  private readonly pollMs: number;
  private position = NOTHING_FOLDED;
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly database: ReadModelDatabase,
    readonly projection: DurableProjection,
    options: DurableProjectionFollowerOptions = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
    this.pollMs = options.pollMs ?? 100;
  }

  get checkpoint(): bigint {
    return this.position;
  }

  /** Creates the tables if the folding process has not yet (a query before its first start finds them empty), reads the checkpoint. */
  async start(): Promise<void> {
    this.stopped = false;
    await ensureReadModel(this.database, this.projection);
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.positions.stop();
  }

  /** The checkpoint as committed now. */
  async refresh(): Promise<bigint> {
    this.position = await loadReadModelCheckpoint(this.database, this.projection);
    if (this.position !== NOTHING_FOLDED) this.positions.reached(this.position);
    return this.position;
  }

  async waitForPosition(position: bigint): Promise<void> {
    if (this.position >= position) return;
    this.waiting += 1;
    this.poll();
    try {
      await this.positions.waitFor(position);
    } finally {
      this.waiting -= 1;
    }
  }

  private poll(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.refresh().then(
        () => {
          this.timer = undefined;
          if (this.waiting > 0) this.poll();
        },
        // A failed read is retried at the next tick: the waiters give up at their timeout, not at one error.
        () => {
          this.timer = undefined;
          if (this.waiting > 0) this.poll();
        },
      );
    }, this.pollMs);
  }
}
