import type { ReadModelDatabase, SqlStatement } from './read-model-database';
import type { DurableProjection } from './durable-projection';

/** The checkpoint of a projection that has folded nothing yet (positions of every store are >= 0). */
export const NOTHING_FOLDED = -1n;

/** The conflict a runner gets when its checkpoint moved under it (another process applied the event, or a rebuild). */
export const CHECKPOINT_MOVED = '40001';

/** The checkpoint's row in the store's `checkpoints` table, apart from subscribers' (`read-model:<name>`). */
export const checkpointIdOf = (projection: { name: string }): string => `read-model:${projection.name}`;

/**
 * The projection's tables, the checkpoint function and its row (at NOTHING_FOLDED when new), in one transaction
 * under an advisory lock (two processes starting together create them once). `checkpoints` is the store's table.
 */
export async function ensureReadModel(database: ReadModelDatabase, projection: DurableProjection): Promise<void> {
  const s = `"${database.schema}"`;
  await database.transaction([
    { text: `SELECT pg_advisory_xact_lock(hashtext('sluice.read-models'), hashtext($1))`, params: [database.schema] },
    { text: `CREATE SCHEMA IF NOT EXISTS ${s}`, params: [] },
    {
      text: `CREATE TABLE IF NOT EXISTS ${s}.checkpoints (subscriber_id text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      params: [],
    },
    { text: advanceFunction(database.schema), params: [] },
    // The checkpoint before the tables: its insert waits for a fold in flight (which holds the row) while this
    // transaction holds no lock of the read model's tables yet; the other way round, the tables' DDL (an index's share
    // lock) and that fold (the row, then the tables) wait for each other: another instance starting while one folds.
    {
      text: `INSERT INTO ${s}.checkpoints (subscriber_id, position) VALUES ($1, $2::bigint) ON CONFLICT (subscriber_id) DO NOTHING`,
      params: [checkpointIdOf(projection), NOTHING_FOLDED.toString()],
    },
    ...splitScript(projection.schemaSql(database.schema)),
  ]);
}

export async function loadReadModelCheckpoint(database: ReadModelDatabase, projection: DurableProjection): Promise<bigint> {
  const [row] = await database.query(`SELECT position::text AS position FROM "${database.schema}".checkpoints WHERE subscriber_id = $1`, [checkpointIdOf(projection)]);
  if (!row) throw new Error(`The read model '${projection.name}' has no checkpoint: ensureReadModel was not run.`);
  return BigInt(row.position!);
}

/**
 * The first statement of every fold's transaction: moves the checkpoint from `from` to `to`, or fails with
 * CHECKPOINT_MOVED if it is not at `from`. It takes the checkpoint row's lock before any row is written, so two
 * processes folding the same event serialize there and the second one's transaction writes nothing.
 */
export function advanceCheckpoint(database: ReadModelDatabase, projection: DurableProjection, from: bigint, to: bigint): SqlStatement {
  return { text: `SELECT "${database.schema}".advance_read_model($1, $2::bigint, $3::bigint)`, params: [checkpointIdOf(projection), from.toString(), to.toString()] };
}

/** A rebuild: the tables emptied and the checkpoint back to NOTHING_FOLDED, in one transaction. */
export async function resetReadModel(database: ReadModelDatabase, projection: DurableProjection): Promise<void> {
  const s = `"${database.schema}"`;
  await ensureReadModel(database, projection);
  await database.transaction([
    ...(projection.tables.length > 0 ? [{ text: `TRUNCATE ${projection.tables.map((t) => `${s}."${t}"`).join(', ')}`, params: [] }] : []),
    { text: `UPDATE ${s}.checkpoints SET position = $2::bigint, updated_at = now() WHERE subscriber_id = $1`, params: [checkpointIdOf(projection), NOTHING_FOLDED.toString()] },
  ]);
}

function advanceFunction(schema: string): string {
  const s = `"${schema}"`;
  return `CREATE OR REPLACE FUNCTION ${s}.advance_read_model(p_id text, p_from bigint, p_to bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE ${s}.checkpoints SET position = p_to, updated_at = now() WHERE subscriber_id = p_id AND position = p_from;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'read model checkpoint % is no longer at position % (another process folded it on, or it was rebuilt)', p_id, p_from
      USING ERRCODE = '${CHECKPOINT_MOVED}';
  END IF;
END
$fn$`;
}

/** A projection's DDL as statements (one per `;` at a line end: DDL here holds no function bodies). */
function splitScript(script: string): SqlStatement[] {
  return script
    .split(/;\s*\n/)
    .map((text) => text.trim().replace(/;$/, ''))
    .filter((text) => text.length > 0)
    .map((text) => ({ text, params: [] }));
}
