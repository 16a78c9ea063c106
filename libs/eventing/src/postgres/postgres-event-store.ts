import { Pool } from 'pg';
import { schemaSql } from '../sql/schema';
import { appendChannel, validateSchemaName } from '../sql/schema-name';
import { defaultSqlEventStoreSettings, SqlEventStore } from '../sql/sql-event-store';
import { AppendListener } from './append-listener';
import { PoolExecutor } from './pool-executor';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Schema holding the store's tables; created if missing. Default 'sluice'. */
  schema?: string;
  /** Connections for appends and reads (plus one for LISTEN). Default 10. */
  poolSize?: number;
  /** Fallback poll of live subscriptions, in case a NOTIFY is missed (ms). Default 2000. */
  pollIntervalMs?: number;
}

/** The event store on a PostgreSQL server (pg). Appends of one process are group-committed. */
export class PostgresEventStore extends SqlEventStore {
  private listener: AppendListener | undefined;

  constructor(
    private readonly pool: Pool,
    schema: string,
    pollIntervalMs: number,
  ) {
    super(new PoolExecutor(pool), schema, { ...defaultSqlEventStoreSettings, pollIntervalMs });
  }

  /** @internal used by createPostgresEventStore */
  async listen(connectionString: string): Promise<void> {
    this.listener = await AppendListener.start(connectionString, appendChannel(this.schema), (categories) => this.wake.notify(categories));
  }

  override async close(): Promise<void> {
    if (this.isClosed) return;
    await super.close();
    await this.listener?.close();
    await this.pool.end();
  }
}

export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  const schema = validateSchemaName(options.schema ?? 'sluice');
  const pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
  // An idle connection that fails is dropped by the pool; the next query gets a new one.
  pool.on('error', () => undefined);
  try {
    await new PoolExecutor(pool).runScript(schemaSql(schema));
    const store = new PostgresEventStore(pool, schema, options.pollIntervalMs ?? defaultSqlEventStoreSettings.pollIntervalMs);
    await store.listen(options.connectionString);
    return store;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
