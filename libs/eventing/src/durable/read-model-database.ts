import { PGliteThread } from '../embedded/pglite-thread';
import type { EventStore } from '../event-store';
import { SqlEventStore } from '../sql/sql-event-store';
import type { SqlExecutor, SqlStatement } from '../sql/sql-executor';
import { statementName } from '../sql/statement-name';

export type { SqlStatement } from '../sql/sql-executor';

/** A row as the SQL adapters return it: every column as text (bigint and json included), or null. */
export type Row = Record<string, string | null>;

/**
 * Where durable read models keep their tables and checkpoints: the event store's own database and schema
 * (PostgreSQL in the distributed mode, PGlite in the embedded one), so a projection's rows and its checkpoint
 * commit in one transaction (docs/decisions/0048).
 */
export interface ReadModelDatabase {
  /** The schema holding the tables (the store's). A plain identifier (validated by the store). */
  readonly schema: string;
  /**
   * True when the store's own `events` table is in `schema` (the store's database), so a rebuild can fold the events
   * in SQL without reading them into the process (DurableProjection.rebuildSql, decision 0059).
   */
  readonly holdsStoreEvents?: boolean;
  query(text: string, params?: readonly (string | null)[]): Promise<Row[]>;
  /** Every statement in one transaction: all commit or none. */
  transaction(statements: readonly SqlStatement[]): Promise<void>;
}

export class SqlReadModelDatabase implements ReadModelDatabase {
  constructor(
    private readonly executor: SqlExecutor,
    readonly schema: string,
    readonly holdsStoreEvents = false,
  ) {}

  query(text: string, params: readonly (string | null)[] = []): Promise<Row[]> {
    return this.executor.query(statementName(text), text, params);
  }

  transaction(statements: readonly SqlStatement[]): Promise<void> {
    return this.executor.transaction(statements);
  }
}

/** The store's own database, when the store is a SQL one (postgres, embedded); undefined for EventStoreDB. */
export function readModelDatabaseOf(store: EventStore): ReadModelDatabase | undefined {
  return store instanceof SqlEventStore ? new SqlReadModelDatabase(store.database, store.schema, true) : undefined;
}

export interface OpenedReadModelDatabase {
  database: ReadModelDatabase;
  /** True when the tables outlive the process (the store's database); false for the in-memory fallback. */
  durable: boolean;
  close(): Promise<void>;
}

/**
 * The read models' database for a store: its own (closing it is the store's business), or, for a store without
 * SQL (EventStoreDB), an in-memory PGlite on its own thread: the same tables and queries, rebuilt at each start.
 */
export async function openReadModelDatabase(store: EventStore): Promise<OpenedReadModelDatabase> {
  const own = readModelDatabaseOf(store);
  if (own) return { database: own, durable: true, close: async () => undefined };
  const thread = await PGliteThread.open(undefined);
  try {
    await thread.runScript('CREATE SCHEMA IF NOT EXISTS "read_models"');
  } catch (error) {
    await thread.close();
    throw error;
  }
  return { database: new SqlReadModelDatabase(thread, 'read_models'), durable: false, close: () => thread.close() };
}
