import { mkdirSync } from 'node:fs';
import { schemaSql } from '../sql/schema';
import { validateSchemaName } from '../sql/schema-name';
import { defaultSqlEventStoreSettings, SqlEventStore } from '../sql/sql-event-store';
import { PGliteThread } from './pglite-thread';

export interface EmbeddedEventStoreOptions {
  /** Folder of the database files, or 'memory' for a store that ends with the process. Default './.sluice/events'. */
  dataDir?: string;
  /** Schema holding the store's tables. Default 'sluice'. */
  schema?: string;
  /** Fallback poll of live subscriptions (ms); appends wake them in-process. Default 2000. */
  pollIntervalMs?: number;
}

/**
 * The event store in an embedded PostgreSQL (PGlite, on a thread of its own), for the zero-install mode. One
 * process owns the data folder, so appends wake subscriptions in-process; no LISTEN is needed.
 */
export class EmbeddedEventStore extends SqlEventStore {
  constructor(
    private readonly db: PGliteThread,
    schema: string,
    pollIntervalMs: number,
    /** The data folder, or 'memory'. */
    readonly dataDir: string,
  ) {
    // The only writer of its folder: its appends feed the live tail without a read.
    super(db, schema, { ...defaultSqlEventStoreSettings, pollIntervalMs, soleWriter: true });
  }

  override async close(): Promise<void> {
    if (this.isClosed) return;
    await super.close();
    await this.db.close();
  }
}

export async function openEmbeddedEventStore(options: EmbeddedEventStoreOptions = {}): Promise<EmbeddedEventStore> {
  const schema = validateSchemaName(options.schema ?? 'sluice');
  const dataDir = options.dataDir ?? './.sluice/events';
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const script = schemaSql(schema);
  const db = await PGliteThread.open(dataDir === 'memory' ? undefined : dataDir, { setupScript: script });
  try {
    // Idempotent: a folder made from the template has the tables already; an older folder gains what it lacks.
    await db.runScript(script);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return new EmbeddedEventStore(db, schema, options.pollIntervalMs ?? defaultSqlEventStoreSettings.pollIntervalMs, dataDir);
}
