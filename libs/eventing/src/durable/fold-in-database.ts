import type { DurableProjection } from './durable-projection';
import type { ReadModelDatabase } from './read-model-database';
import { advanceCheckpoint, loadReadModelCheckpoint } from './read-model-checkpoint';

/**
 * A transaction does not wait for its commit to reach the disk: a crash may lose the last batches committed, which
 * leaves rows and checkpoint as consistent as any crash does (they are lost together), and the fold is redone from
 * the checkpoint (docs/decisions/0048, 0059). Only this transaction is affected (SET LOCAL).
 */
export const NO_COMMIT_WAIT = { text: 'SET LOCAL synchronous_commit = off', params: [] };

/**
 * The store's events after the projection's checkpoint, folded by the database itself (`rebuildSql`, decision 0059),
 * `batch` positions per transaction, each with its checkpoint move as every batch of a runner: rows and checkpoint
 * commit together. Reads to the head, then again while events were appended meanwhile; `progress` after each
 * transaction; stops between transactions once `stopped()`. A transaction whose checkpoint another process moved
 * meanwhile fails (CHECKPOINT_MOVED). Resolves with the last position folded (NOTHING_FOLDED for none, ever).
 */
export async function foldStoredEventsInDatabase(
  database: ReadModelDatabase,
  projection: DurableProjection,
  batch: number,
  progress: (position: bigint) => void = () => undefined,
  stopped: () => boolean = () => false,
): Promise<bigint> {
  if (!projection.rebuildSql || !database.holdsStoreEvents) throw new Error(`${projection.name} is not folded in its database: it has no SQL fold, or its tables are not beside the store's events`);
  const s = `"${database.schema}"`;
  const fold = { text: projection.rebuildSql(database.schema, `${s}.events`) };
  const head = async () => BigInt((await database.query(`SELECT coalesce(max(position), 0)::text AS head FROM ${s}.events`))[0]!.head!);
  let from = await loadReadModelCheckpoint(database, projection);
  for (let last = await head(); last > from && last > 0n && !stopped(); last = await head()) {
    while (from < last && !stopped()) {
      const to = [(from < 0n ? 0n : from) + BigInt(batch), last].reduce((a, b) => (a < b ? a : b));
      await database.transaction([NO_COMMIT_WAIT, advanceCheckpoint(database, projection, from, to), { ...fold, params: [from.toString(), to.toString()] }]);
      from = to;
      progress(to);
    }
  }
  return from;
}
