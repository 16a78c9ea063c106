export interface Wait {
  readonly promise: Promise<void>;
  /** Ends the wait now (used by stop()). */
  cancel(): void;
}

/** How many notifies a wait can look back on; a reader that missed more is woken (it reads, and finds what there is). */
const RECENT_NOTIFIES = 256;

/**
 * A stream's category as an append announces it: its id up to and including the first `-` (`execution-`, `job-`), or
 * the whole id when it has none. Always a prefix of the id.
 */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash + 1);
}

/**
 * Whether an append of streams of `categories` can concern a reader of the streams beginning with one of `prefixes`.
 * Undefined on either side means every stream. A category and a prefix are both prefixes of an appended stream's id
 * when the reader wants that stream, so one begins with the other: the test never misses an append that concerns the
 * reader, and may wake it for one that does not (it reads and finds nothing).
 */
export function concerns(prefixes: readonly string[] | undefined, categories: readonly string[] | undefined): boolean {
  if (prefixes === undefined || categories === undefined) return true;
  return categories.some((category) => prefixes.some((prefix) => prefix.startsWith(category) || category.startsWith(prefix)));
}

interface Waiter {
  prefixes: readonly string[] | undefined;
  wake(): void;
}

/**
 * Wakes waiting subscriptions when something was appended (by this process, or announced by NOTIFY). A version
 * counter makes a wake that lands between a read and the wait not get lost. A notify may name the categories of the
 * streams appended (`categoryOf`); a wait may name the prefixes of the streams it reads: it is then woken only by
 * appends that can concern it (decision 0077). Every process of the distributed platform hears every append: a
 * subscription of the audit trail's or a webhook's no longer reads the store for each job's heartbeat.
 */
export class WakeSignal {
  private version = 0;
  /** The categories each recent notify announced (undefined: any), oldest first. */
  private readonly recent: Array<{ version: number; categories: readonly string[] | undefined }> = [];
  private readonly waiters = new Set<Waiter>();

  get current(): number {
    return this.version;
  }

  notify(categories?: readonly string[]): void {
    this.version++;
    this.recent.push({ version: this.version, categories });
    if (this.recent.length > RECENT_NOTIFIES) this.recent.shift();
    for (const waiter of [...this.waiters]) {
      if (!concerns(waiter.prefixes, categories)) continue;
      this.waiters.delete(waiter);
      waiter.wake();
    }
  }

  /**
   * Waits for a notify after version `since` that concerns streams beginning with one of `prefixes` (any notify
   * without them), or at most `timeoutMs` (the poll fallback).
   */
  wait(since: number, timeoutMs: number, prefixes?: readonly string[]): Wait {
    let cancel = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      if (this.announcedSince(since, prefixes)) return resolve();
      const waiter: Waiter = { prefixes, wake: () => done() };
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(waiter);
      cancel = done;
    });
    return { promise, cancel: () => cancel() };
  }

  /** Whether a notify after `since` can concern `prefixes`; true when some of them are no longer remembered. */
  private announcedSince(since: number, prefixes: readonly string[] | undefined): boolean {
    if (this.version === since) return false;
    const oldest = this.recent[0]?.version ?? this.version + 1;
    if (since + 1 < oldest) return true;
    return this.recent.some((notice) => notice.version > since && concerns(prefixes, notice.categories));
  }
}
