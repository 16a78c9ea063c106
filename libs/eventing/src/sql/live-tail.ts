import type { RecordedEvent } from '../event-store';
import { headPosition, type AllPage } from './read-all';
import { rowToEvent } from './row-to-event';
import type { SqlExecutor } from './sql-executor';
import type { Statements } from './statements';
import type { WakeSignal } from './wake-signal';

export interface LiveTailLimits {
  /** Events read per query of the tail. */
  pageSize: number;
  /** Events kept for subscriptions a little behind; older ones are read from the store again. */
  maxEvents: number;
  /** The same bound in bytes of data and metadata. */
  maxBytes: number;
  /** A tail older than this is read again even without a wake (the poll fallback of a missed NOTIFY). */
  maxAgeMs: number;
}

interface TailRow {
  position: bigint;
  streamId: string;
  weight: number;
  row: Record<string, string | null>;
}

/**
 * The newest events of `$all`, read once for every live subscription of this process. Each live subscription used
 * to read the head and the new events itself after every append: with a dozen projections that was two dozen
 * queries per append, the most of the embedded platform's time on a pipeline run (issue 18). A subscription whose
 * cursor the tail covers takes its page from here; one behind it (catching up, or slower than the tail's bound)
 * reads the store as before.
 *
 * Freshness follows the wake signal: a reader that saw wake version `v` gets a tail read after `v` was announced,
 * so an append it was woken for is never missed; readers woken together share one read. Rows are kept as text and
 * parsed per reader, so no two subscriptions share an event object.
 */
export class LiveTail {
  private rows: TailRow[] = [];
  private bytes = 0;
  /** The tail holds every event with `coveredFrom < position <= this.position`; undefined until first read. */
  private coveredFrom: bigint | undefined;
  private position = 0n;
  private atHead = false;
  private readVersion = -1;
  private readAt = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly executor: SqlExecutor,
    private readonly sql: Statements,
    private readonly wake: WakeSignal,
    private readonly limits: LiveTailLimits,
  ) {}

  /**
   * The page after `cursor` (exclusive) with at most `limit` events of streams starting with one of `prefixes`
   * (every stream without), or undefined when the tail does not reach back to `cursor`: read the store then.
   */
  async pageAfter(cursor: bigint, limit: number, prefixes: readonly string[] | undefined): Promise<AllPage | undefined> {
    const version = this.wake.current;
    if (this.coveredFrom !== undefined && cursor < this.coveredFrom) return undefined;
    await this.freshFor(version, cursor);
    if (this.coveredFrom === undefined || cursor < this.coveredFrom || cursor > this.position) return undefined;
    const events: RecordedEvent[] = [];
    for (let i = this.firstAfter(cursor); i < this.rows.length; i += 1) {
      const entry = this.rows[i]!;
      if (prefixes !== undefined && !prefixes.some((prefix) => entry.streamId.startsWith(prefix))) continue;
      events.push(rowToEvent(entry.row));
      if (events.length === limit) return { events, next: entry.position, atHead: false };
    }
    return { events, next: this.position, atHead: this.atHead };
  }

  /**
   * Events this process just appended, as their rows (the read's columns, as text), in position order: kept without a
   * read when they follow the tail's last position with no hole and no read is in flight, which holds for the store's
   * only writer (`SqlEventStoreSettings.soleWriter`). False when not taken: the next read gets them from the store.
   */
  offer(rows: readonly Record<string, string>[]): boolean {
    if (this.coveredFrom === undefined || !this.atHead || this.inFlight) return false;
    let expected = this.position;
    for (const row of rows) {
      expected += 1n;
      if (BigInt(row.position!) !== expected) return false;
    }
    for (const row of rows) {
      const weight = row.data!.length + row.metadata!.length;
      this.rows.push({ position: BigInt(row.position!), streamId: row.stream_id!, weight, row });
      this.bytes += weight;
    }
    this.position = expected;
    this.trim();
    return true;
  }

  /** The tail holds every event announced up to wake `version` (its only writer offered them). */
  freshAt(version: number): void {
    this.readVersion = version;
    this.readAt = Date.now();
  }

  private async freshFor(version: number, cursor: bigint): Promise<void> {
    for (;;) {
      const stale = this.readVersion < version || (!this.atHead && cursor >= this.position) || Date.now() - this.readAt >= this.limits.maxAgeMs;
      if (!stale) return;
      if (this.inFlight) {
        // Started before this reader's wake perhaps: wait for it, then look again.
        await this.inFlight;
        continue;
      }
      this.inFlight = this.read().finally(() => (this.inFlight = undefined));
      await this.inFlight;
    }
  }

  private async read(): Promise<void> {
    const version = this.wake.current;
    const readAt = Date.now();
    if (this.coveredFrom === undefined) {
      // Nothing before the head is kept: readers behind it read the store.
      const head = await headPosition(this.executor, this.sql);
      this.coveredFrom = head;
      this.position = head;
      this.atHead = true;
    } else {
      const { name, text } = this.sql.readTail;
      const rows = await this.executor.query(name, text, [this.position.toString(), String(this.limits.pageSize)]);
      const head = BigInt(rows[0]!.head!);
      let read = 0;
      for (const row of rows) {
        if (row.position === null) continue;
        const weight = row.data!.length + row.metadata!.length;
        this.rows.push({ position: BigInt(row.position!), streamId: row.stream_id!, weight, row });
        this.bytes += weight;
        read += 1;
      }
      if (read < this.limits.pageSize) this.position = head > this.position ? head : this.position;
      else this.position = this.rows[this.rows.length - 1]!.position;
      this.atHead = this.position >= head;
      this.trim();
    }
    this.readVersion = version;
    this.readAt = readAt;
  }

  private trim(): void {
    let drop = 0;
    while (this.rows.length - drop > this.limits.maxEvents || (this.bytes > this.limits.maxBytes && drop < this.rows.length)) {
      this.bytes -= this.rows[drop]!.weight;
      this.coveredFrom = this.rows[drop]!.position;
      drop += 1;
    }
    if (drop > 0) this.rows = this.rows.slice(drop);
  }

  /** Index of the first row after `cursor` (rows are in position order). */
  private firstAfter(cursor: bigint): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.rows[middle]!.position <= cursor) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
