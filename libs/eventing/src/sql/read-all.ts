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
 * Positions a page with a stream-prefix filter scans at most, per event it may return. PostgreSQL (PGlite
 * too) cannot tell how many rows the filter keeps, so for `position > after AND position <= head … ORDER BY
 * position LIMIT n` it picks a bitmap scan of the whole range and a top-N sort: every page read the rest of
 * the store, and a catch-up from the start was quadratic (196,000 events: 67 s of queries instead of ~3).
 * A window bounds each page's scan, so a catch-up reads the store once (bench/startup/restart.ts).
 */
const FILTERED_WINDOW_PER_EVENT = 10n;

/**
 * A window that gave fewer than `limit / SPARSE` events (one position in 100) holds a sparse filter's streams: the
 * page is then read through the category index over FAR_WINDOWS windows at once. Through the index a page costs the
 * category's rows in its range (PostgreSQL sorts them: it has no statistics to prefer the ordered index scan), so the
 * index serves only sparse stretches, and the range stays bounded (decision 0068).
 */
const SPARSE = 10;
const FAR_WINDOWS = 100n;

/**
 * One page of $all after a checkpoint (exclusive). Bounded by the head read first, so a page with
 * a stream-prefix filter that matches nothing still moves the checkpoint to the head. With a filter,
 * a page covers at most `limit × 10` positions: it may hold fewer than `limit` events and still not be
 * at the head (`next` is then the window's end).
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
  const window = after + BigInt(limit) * FILTERED_WINDOW_PER_EVENT;
  const end = prefixes && window < head ? window : head;
  const params = [after.toString(), end.toString(), String(limit)];
  const rows = prefixes
    ? await executor.query(sql.readAllBetweenWithPrefixes.name, sql.readAllBetweenWithPrefixes.text, [
        ...params,
        toArrayLiteral(prefixes),
      ])
    : await executor.query(sql.readAllBetween.name, sql.readAllBetween.text, params);
  const categories = prefixes && end < head && rows.length < limit / SPARSE && categoriesOf(prefixes);
  if (categories) {
    // The filter's streams are sparse here (fewer than one position in 100 of the window): their category index reads
    // far ahead in one query instead of a window a page (decision 0068).
    const far = after + BigInt(limit) * FILTERED_WINDOW_PER_EVENT * FAR_WINDOWS;
    const farEnd = far < head ? far : head;
    const found = (
      await executor.query(sql.readAllBetweenInCategories.name, sql.readAllBetweenInCategories.text, [
        after.toString(),
        farEnd.toString(),
        String(limit),
        toArrayLiteral(categories.map((c) => c.category)),
        toArrayLiteral(categories.map((c) => c.prefix)),
      ])
    ).map(rowToEvent);
    if (found.length < limit) return { events: found, next: farEnd, atHead: farEnd === head };
    return { events: found, next: found[found.length - 1]!.position, atHead: false };
  }
  const events = rows.map(rowToEvent);
  if (events.length < limit) return { events, next: end, atHead: end === head };
  return { events, next: events[events.length - 1]!.position, atHead: false };
}

/**
 * The prefixes as stream categories (the id up to its first '-'), each kept with its prefix, when every prefix has a
 * '-' (a category-shaped filter, as every service's is); undefined otherwise (the windowed scan reads them). A prefix
 * another one of the set extends is dropped, so no stream matches two of them and no event is read twice.
 */
export function categoriesOf(prefixes: readonly string[]): Array<{ category: string; prefix: string }> | undefined {
  if (prefixes.length === 0 || prefixes.some((prefix) => !prefix.includes('-'))) return undefined;
  const kept = [...new Set(prefixes)].filter((prefix, _, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)));
  return kept.map((prefix) => ({ category: prefix.slice(0, prefix.indexOf('-')), prefix }));
}
