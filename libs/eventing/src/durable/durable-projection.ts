import type { RecordedEvent } from '../event-store';
import type { ReadModelDatabase, SqlStatement } from './read-model-database';

/**
 * A read model kept in tables of the store's database (docs/decisions/0048). Its fold is pure: given a batch of
 * events, the statements that apply them (inserts, upserts; a statement may read the tables it writes). The runner
 * commits them with the projection's checkpoint in one transaction, so each event is applied exactly once across
 * crashes. A batch is folded by few statements (one multi-row INSERT from arrays): a round trip per batch, not per event.
 */
export interface DurableProjection {
  /** `<service>.<read model>`, e.g. `permissions.audit`: its checkpoint's name, what progress lines name. */
  readonly name: string;
  /** The streams it folds; events of other streams are never read for it. */
  readonly streamPrefixes: readonly string[];
  /** Its tables (names without the schema): a rebuild empties them. */
  readonly tables: readonly string[];
  /** Idempotent DDL creating its tables and indexes in `schema` (run at every start, in one transaction). */
  schemaSql(schema: string): string;
  /**
   * The statements that fold `events` in (in position order, as one transaction); [] if it ignores them all. A fold
   * that needs rows it wrote before (a state evolved in code, not in SQL) reads them from `database` first: the runner
   * calls it only after its previous transaction committed, and the transaction's checkpoint guard refuses the batch if
   * another process folded it meanwhile, so a read never meets a row that is later than the batch's start.
   */
  fold(events: readonly RecordedEvent[], schema: string, database: ReadModelDatabase): SqlStatement[] | Promise<SqlStatement[]>;
  /** True when `fold` reads rows it wrote before: a rebuild then folds a batch only once the one before committed. */
  readonly readsOwnRows?: boolean;
  /**
   * Optional, for a fold that reads its own rows: the same fold, given what this runner's last committed batch left
   * (`carried`: the rows it evolved, as committed) and returning what this batch leaves; rows in `carried` are not read
   * again. The runner passes it only when its previous batch committed, and a batch commits only if the checkpoint is
   * still where that batch left it — nobody else folded since — so the rows carried are the rows in the tables.
   * Undefined `carried`: every row is read.
   */
  foldCarrying?(events: readonly RecordedEvent[], schema: string, database: ReadModelDatabase, carried: unknown): Promise<CarryingFold>;
  /**
   * Optional: one statement folding the store's events with positions in ($1, $2] straight from `events` (the store's
   * table, qualified; columns position, stream_id, revision, type, data), writing exactly what `fold` writes for them.
   * A rebuild on the store's own database then runs it per range instead of reading the events into the process
   * (decision 0059: a fifth of the CPU). Two implementations of one fold: a test must compare them.
   */
  rebuildSql?(schema: string, events: string): string;
  /** Its tables as plain data in a fixed order: a rebuilt copy and a live one compare deep-equal. */
  contents(database: ReadModelDatabase): Promise<unknown>;
}

/** What `foldCarrying` gives: the batch's statements, and what it leaves for the next batch. */
export interface CarryingFold {
  statements: SqlStatement[];
  carried: unknown;
  /**
   * True when `carried` holds every row this batch's statements write: the next batch then reads none of them, so a
   * rebuild folds it while this one commits (their transactions still commit in order).
   */
  holdsBatch?: boolean;
}
