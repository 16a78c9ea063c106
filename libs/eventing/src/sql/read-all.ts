import type { RecordedEvent } from '../event-store';
import { toArrayLiteral } from './pg-array';
import { rowToEvent } from './row-to-event';
import type { SqlExecutor } from './sql-executor';
import type { Statements } from './statements';

export async function readAll(
  executor: SqlExecutor,
  sql: Statements,
  fromPosition: bigint,
  maxCount: number | undefined,
): Promise<RecordedEvent[]> {
  const { name, text } = sql.readAll;
  const rows = await executor.query(name, text, [fromPosition.toString(), maxCount === undefined ? null : String(maxCount)]);
  return rows.map(rowToEvent);
}

/** The last position handed out. Every event up to it is committed and visible (see schema.ts). */
export async function headPosition(executor: SqlExecutor, sql: Statements): Promise<bigint> {
  const [row] = await executor.query(sql.headPosition.name, sql.headPosition.text, []);
  return BigInt(row!.position!);
}

export interface AllPage {
  events: RecordedEvent[];
  /** The position to read after next time. */
  next: bigint;
  /** True when the page reached the head: nothing more to read now. */
  atHead: boolean;
}

/**
 * One page of $all after a checkpoint (exclusive). Bounded by the head read first, so a page with
 * a stream-prefix filter that matches nothing still moves the checkpoint to the head.
 */
export async function readAllPage(
  executor: SqlExecutor,
  sql: Statements,
  after: bigint,
  limit: number,
  prefixes: readonly string[] | undefined,
): Promise<AllPage> {
  const head = await headPosition(executor, sql);
  if (head <= after) return { events: [], next: after, atHead: true };
  const params = [after.toString(), head.toString(), String(limit)];
  const rows = prefixes
    ? await executor.query(sql.readAllBetweenWithPrefixes.name, sql.readAllBetweenWithPrefixes.text, [
        ...params,
        toArrayLiteral(prefixes),
      ])
    : await executor.query(sql.readAllBetween.name, sql.readAllBetween.text, params);
  const events = rows.map(rowToEvent);
  if (events.length < limit) return { events, next: head, atHead: true };
  return { events, next: events[events.length - 1]!.position, atHead: false };
}
