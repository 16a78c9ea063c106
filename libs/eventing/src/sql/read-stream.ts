import type { RecordedEvent } from '../event-store';
import type { StreamRange } from '../validation/read-options';
import { rowToEvent } from './row-to-event';
import type { SqlExecutor } from './sql-executor';
import type { Statements } from './statements';

const maxBigint = (2n ** 63n - 1n).toString();

export async function readStream(executor: SqlExecutor, sql: Statements, range: StreamRange): Promise<RecordedEvent[]> {
  const limit = range.maxCount === undefined ? null : String(range.maxCount);
  if (range.direction === 'forwards') {
    const from = range.from === 'start' ? '0' : range.from === 'end' ? maxBigint : range.from.toString();
    const to = range.from === 'end' ? '-1' : (range.to?.toString() ?? maxBigint);
    const { name, text } = sql.readStreamForwards;
    return (await executor.query(name, text, [range.streamId, from, to, limit])).map(rowToEvent);
  }
  const from = range.from === 'end' ? maxBigint : range.from === 'start' ? '0' : range.from.toString();
  const { name, text } = sql.readStreamBackwards;
  return (await executor.query(name, text, [range.streamId, from, range.to?.toString() ?? '0', limit])).map(rowToEvent);
}

/** The stream's last revision, -1 when it has no event. */
export async function streamRevision(executor: SqlExecutor, sql: Statements, streamId: string): Promise<bigint> {
  const [row] = await executor.query(sql.streamRevision.name, sql.streamRevision.text, [streamId]);
  return BigInt(row!.revision!);
}
