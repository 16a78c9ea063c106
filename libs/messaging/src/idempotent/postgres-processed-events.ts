import { Pool } from 'pg';
import type { ProcessedEventsStore } from './processed-events-store';

export interface PostgresProcessedEventsOptions {
  /** A pool to share (not closed by close()), or a connection string to open one. */
  pool?: Pool;
  connectionString?: string;
  /** Schema of the `processed_events` table (default public); created if missing. */
  schema?: string;
  /** The consumer whose processed events this store records (e.g. the consumer group). */
  consumer: string;
}

export interface PostgresProcessedEvents extends ProcessedEventsStore {
  close(): Promise<void>;
}

/** processed_events(consumer, event_id): one row per event a consumer processed. */
export async function createPostgresProcessedEvents(options: PostgresProcessedEventsOptions): Promise<PostgresProcessedEvents> {
  if (!options.pool && !options.connectionString) throw new Error('createPostgresProcessedEvents needs a pool or a connectionString');
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema must be a lower-case SQL identifier, got '${schema}'`);
  const ownPool = options.pool ? undefined : new Pool({ connectionString: options.connectionString, max: 4 });
  const pool = options.pool ?? ownPool!;
  const table = `"${schema}".processed_events`;
  // Under a transaction-scoped advisory lock: two processes starting together (two engine instances) would otherwise
  // race in `create table if not exists`, and the loser fails on pg_type's unique index (PostgreSQL does not make
  // IF NOT EXISTS atomic against a concurrent create).
  const client = await pool.connect().catch(async (error: unknown) => {
    await ownPool?.end();
    throw error;
  });
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext('sluice.processed-events'), hashtext($1))`, [schema]);
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(
      `create table if not exists ${table} (
         consumer text not null,
         event_id text not null,
         processed_at timestamptz not null default now(),
         primary key (consumer, event_id)
       )`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    client.release();
    await ownPool?.end();
    throw error;
  }
  client.release();
  return {
    async isProcessed(eventId) {
      const result = await pool.query(`select 1 from ${table} where consumer = $1 and event_id = $2`, [options.consumer, eventId]);
      return (result.rowCount ?? 0) > 0;
    },
    async markProcessed(eventId) {
      await pool.query(`insert into ${table} (consumer, event_id) values ($1, $2) on conflict do nothing`, [options.consumer, eventId]);
    },
    async close() {
      await ownPool?.end();
    },
  };
}
