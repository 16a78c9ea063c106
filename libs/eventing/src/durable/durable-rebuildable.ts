import type { RecordedEvent } from '../event-store';
import type { RebuildableProjection } from '../projection/rebuild-projections';
import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { advanceCheckpoint, loadReadModelCheckpoint, NOTHING_FOLDED, resetReadModel } from './read-model-checkpoint';
import { toArrayLiteral } from '../sql/pg-array';
import { foldStoredEventsInDatabase, NO_COMMIT_WAIT } from './fold-in-database';

/** Events folded per transaction during a rebuild: few round trips, and a crash loses at most one batch's work. */
const REBUILD_BATCH = 2_500;

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
  /** The batch being committed while the next one is folded: one at most, committed in order. */
  private committing: Promise<void> = Promise.resolve();
  /** What the last batch folded left for the next (`DurableProjection.foldCarrying`), and whether it holds every row that batch writes. */
  private carry: { carried: unknown; holdsBatch: boolean } = { carried: undefined, holdsBatch: false };

  /** Present when the projection has a SQL fold and its database holds the store's events (decision 0059). */
  readonly rebuildInDatabase?: (progress: (position: bigint) => void) => Promise<{ lastPosition: bigint | undefined; folded: number }>;

  constructor(
    readonly database: ReadModelDatabase,
    readonly projection: DurableProjection,
    private readonly batch = REBUILD_BATCH,
  ) {
    if (projection.rebuildSql && database.holdsStoreEvents) this.rebuildInDatabase = (progress) => this.foldInDatabase(progress);
  }

  get name(): string {
    return this.projection.name;
  }

  get streamPrefixes(): readonly string[] {
    return this.projection.streamPrefixes;
  }

  async reset(): Promise<void> {
    // A batch still in flight from an earlier rebuild must not land after the truncation; its failure was reported.
    await this.committing.catch(() => undefined);
    this.committing = Promise.resolve();
    await resetReadModel(this.database, this.projection);
    this.pending = [];
    this.pendingFrom = this.last = NOTHING_FOLDED;
    this.count = 0;
    this.carry = { carried: undefined, holdsBatch: false };
  }

  async apply(event: RecordedEvent): Promise<void> {
    this.pending.push(event);
    this.last = event.position;
    if (++this.count >= this.batch) await this.flush();
  }

  async checkpoint(): Promise<bigint | undefined> {
    await this.commitAll();
    const position = await loadReadModelCheckpoint(this.database, this.projection);
    return position === NOTHING_FOLDED ? undefined : position;
  }

  async rebuilt(): Promise<void> {
    await this.commitAll();
  }

  async contents(): Promise<unknown> {
    await this.commitAll();
    return this.projection.contents(this.database);
  }

  /**
   * Folds the pending batch and starts its transaction (the checkpoint move first, then the rows), after waiting
   * for the previous batch's: the database writes batch n while batch n+1 is read and folded, and a batch's
   * transaction starts only once the one before committed, so the checkpoint moves in order and a failure stops
   * the rebuild at the batch that failed. A fold that reads its own rows folds batch n+1 once batch n committed,
   * unless what batch n's fold carried holds every row it writes (`CarryingFold.holdsBatch`): then the rows it reads
   * are of batches already committed. If batch n then fails, batch n+1's checkpoint move fails with it.
   */
  private async flush(): Promise<void> {
    if (this.last === this.pendingFrom) return this.committing;
    const batch = this.pending;
    const [from, to] = [this.pendingFrom, this.last];
    this.pending = [];
    this.count = 0;
    this.pendingFrom = this.last;
    if (this.projection.readsOwnRows && !this.carry.holdsBatch) await this.committing;
    const folded = this.projection.foldCarrying
      ? await this.projection.foldCarrying(batch, this.database.schema, this.database, this.carry.carried)
      : { statements: await this.projection.fold(batch, this.database.schema, this.database), carried: undefined };
    this.carry = { carried: folded.carried, holdsBatch: folded.holdsBatch === true };
    const statements = [NO_COMMIT_WAIT, advanceCheckpoint(this.database, this.projection, from, to), ...folded.statements];
    const previous = this.committing;
    this.committing = previous.then(() =>
      this.database.transaction(statements).catch((error: unknown) => {
        // Reported while a later event is applied: name the batch that failed.
        throw new Error(`The batch of events after ${from} up to ${to} failed to commit: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }),
    );
    // Its failure is reported by the next flush or commitAll(), not as an unhandled rejection meanwhile.
    this.committing.catch(() => undefined);
    await previous;
  }

  /** The store's events folded by the database itself (`foldStoredEventsInDatabase`), and how many the projection's prefixes took. */
  private async foldInDatabase(progress: (position: bigint) => void): Promise<{ lastPosition: bigint | undefined; folded: number }> {
    const from = await foldStoredEventsInDatabase(this.database, this.projection, this.batch, progress);
    if (from === NOTHING_FOLDED) return { lastPosition: undefined, folded: 0 };
    const s = `"${this.database.schema}"`;
    const [row] = await this.database.query(
      `SELECT count(*)::text AS n FROM ${s}.events e WHERE e.position <= $1::bigint AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix) WHERE starts_with(e.stream_id, p.prefix))`,
      [from.toString(), toArrayLiteral(this.projection.streamPrefixes)],
    );
    return { lastPosition: from, folded: Number(row!.n) };
  }

  /** The pending events folded and every batch committed (or the first failure thrown). */
  private async commitAll(): Promise<void> {
    await this.flush();
    await this.committing;
  }
}
