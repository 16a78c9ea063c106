import type { ReadModelDatabase } from './read-model-database';

/** A process's state as it was after folding the event at `position`. */
export interface SavedState {
  position: bigint;
  /** What the process saved: plain JSON (bigints as strings, by the process's own choice). */
  state: unknown;
}

/**
 * A process's small, bounded state saved with the position it was taken at, in one row of the store's database
 * (decision 0064): a restart loads it and subscribes after that position instead of folding the store from its
 * first event. For state bounded by configuration (rules, unsettled work), not by history: state that grows with
 * history belongs in a durable read model's tables (decision 0048).
 */
export interface StateSnapshots {
  load(id: string): Promise<SavedState | undefined>;
  /** Saves the state taken at `position`; never moves a saved state back to an earlier position (two savers of one id). */
  save(id: string, position: bigint, state: unknown): Promise<void>;
}

/** The snapshots' table in the store's schema, created if needed. */
export async function sqlStateSnapshots(database: ReadModelDatabase): Promise<StateSnapshots> {
  const table = `"${database.schema}".state_snapshots`;
  await database.transaction([
    { text: `SELECT pg_advisory_xact_lock(hashtext('sluice.state-snapshots'), hashtext($1))`, params: [database.schema] },
    { text: `CREATE SCHEMA IF NOT EXISTS "${database.schema}"`, params: [] },
    { text: `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, position bigint NOT NULL, state text NOT NULL, saved_at timestamptz NOT NULL DEFAULT now())`, params: [] },
  ]);
  return {
    async load(id) {
      const [row] = await database.query(`SELECT position::text AS position, state FROM ${table} WHERE id = $1`, [id]);
      if (!row) return undefined;
      return { position: BigInt(row.position!), state: JSON.parse(row.state!) as unknown };
    },
    async save(id, position, state) {
      await database.query(
        `INSERT INTO ${table} (id, position, state) VALUES ($1, $2::bigint, $3)
         ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, state = EXCLUDED.state, saved_at = now()
         WHERE ${table}.position <= EXCLUDED.position`,
        [id, position.toString(), JSON.stringify(state)],
      );
    },
  };
}
