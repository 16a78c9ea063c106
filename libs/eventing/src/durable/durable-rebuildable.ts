import type { RecordedEvent } from '../event-store';
import type { RebuildableProjection } from '../projection/rebuild-projections';
import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { advanceCheckpoint, loadReadModelCheckpoint, NOTHING_FOLDED, resetReadModel } from './read-model-checkpoint';

/** Events folded per transaction during a rebuild: few round trips, and a crash loses at most one batch's work. */
const REBUILD_BATCH = 1_000;

/**
 * A durable projection as `rebuildProjections` drives it (`npm run rebuild-projections`): rebuilt in place — its
 * tables truncated and its checkpoint reset, then the store folded in by batches, each batch's rows and checkpoint
 * in one transaction. Stop the processes that run it first: a runner that finds its checkpoint moved reloads it
 * and resumes, but one mid-rebuild would fold events the rebuild has not reached yet.
 */
export class DurableRebuildable implements RebuildableProjection {
  private pending: RecordedEvent[] = [];
  private pendingFrom = NOTHING_FOLDED;
  private last = NOTHING_FOLDED;
  private count = 0;

  constructor(
    readonly database: ReadModelDatabase,
    readonly projection: DurableProjection,
    private readonly batch = REBUILD_BATCH,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  get streamPrefixes(): readonly string[] {
    return this.projection.streamPrefixes;
  }

  async reset(): Promise<void> {
    await resetReadModel(this.database, this.projection);
    this.pending = [];
    this.pendingFrom = this.last = NOTHING_FOLDED;
    this.count = 0;
  }

  async apply(event: RecordedEvent): Promise<void> {
    this.pending.push(event);
    this.last = event.position;
    if (++this.count >= this.batch) await this.flush();
  }

  async checkpoint(): Promise<bigint | undefined> {
    await this.flush();
    const position = await loadReadModelCheckpoint(this.database, this.projection);
    return position === NOTHING_FOLDED ? undefined : position;
  }

  async rebuilt(): Promise<void> {
    await this.flush();
  }

  async contents(): Promise<unknown> {
    await this.flush();
    return this.projection.contents(this.database);
  }

  private async flush(): Promise<void> {
    if (this.last === this.pendingFrom) return;
    await this.database.transaction([advanceCheckpoint(this.database, this.projection, this.pendingFrom, this.last), ...this.projection.fold(this.pending, this.database.schema)]);
    this.pending = [];
    this.pendingFrom = this.last;
    this.count = 0;
  }
}
