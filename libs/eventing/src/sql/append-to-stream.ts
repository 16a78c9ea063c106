import { ConcurrencyError } from '../errors';
import type { AppendResult } from '../event-store';
import type { PreparedAppend } from '../validation/prepare-append';
import { actualRevisionOf, expectedRevisionCode } from './expected-revision-code';
import { toArrayLiteral } from './pg-array';
import type { SqlExecutor } from './sql-executor';
import type { Statement } from './statements';

/**
 * Runs a group of appends in one call of append_events (one transaction, one round trip).
 * Each append gets its own outcome: its result, or the ConcurrencyError of its failed check.
 */
export async function appendGroup(
  executor: SqlExecutor,
  statement: Statement,
  appends: readonly PreparedAppend[],
): Promise<(AppendResult | ConcurrencyError)[]> {
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  for (const append of appends) {
    for (const event of append.events) {
      ids.push(event.id);
      types.push(event.type);
      data.push(event.data);
      metadata.push(event.metadata);
    }
  }
  const rows = await executor.query(statement.name, statement.text, [
    toArrayLiteral(appends.map((a) => a.streamId)),
    toArrayLiteral(appends.map((a) => expectedRevisionCode(a.expectedRevision))),
    toArrayLiteral(appends.map((a) => String(a.events.length))),
    toArrayLiteral(ids),
    toArrayLiteral(types),
    toArrayLiteral(data),
    toArrayLiteral(metadata),
  ]);
  if (rows.length !== appends.length) throw new Error(`append_events answered ${rows.length} rows for ${appends.length} appends`);
  return rows.map((row, i) => {
    const append = appends[i]!;
    const revision = BigInt(row.revision!);
    if (row.ok === 'true') return { nextExpectedRevision: revision, position: BigInt(row.position!) };
    return new ConcurrencyError(append.streamId, append.expectedRevision, actualRevisionOf(revision));
  });
}
