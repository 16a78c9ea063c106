import type { EventHandler, RecordedEvent, Subscription } from '../event-store';
import type { Wait, WakeSignal } from './wake-signal';

export interface Page {
  events: RecordedEvent[];
  /** Cursor to read after next time (position for $all, revision for a stream). */
  next: bigint;
  atHead: boolean;
}

export interface CatchUpSource {
  /** The cursor to start after (resolves 'start'/'end' and checkpoints). */
  start(): Promise<bigint>;
  readAfter(cursor: bigint, limit: number): Promise<Page>;
  cursorOf(event: RecordedEvent): bigint;
}

export interface CatchUpOptions {
  pageSize: number;
  pollIntervalMs: number;
}

/**
 * Catch up by pages, then go live: after reaching the head, wait for a wake (an append here or a
 * NOTIFY) or the poll interval, and read again from the cursor. Reading in position order is
 * enough to miss nothing because positions become visible in order (see schema.ts).
 */
export class CatchUpSubscription implements Subscription {
  readonly done: Promise<void>;
  readonly caughtUp: Promise<void>;
  private stopped = false;
  private wait: Wait | undefined;
  private markCaughtUp!: () => void;
  private failCaughtUp!: (error: unknown) => void;

  constructor(
    private readonly source: CatchUpSource,
    private readonly handler: EventHandler,
    private readonly wake: WakeSignal,
    private readonly options: CatchUpOptions,
    /** The prefixes of the streams it reads (undefined: every stream): only appends that can concern them wake it. */
    private readonly wakeFor?: readonly string[],
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.markCaughtUp = resolve;
      this.failCaughtUp = reject;
    });
    this.done = this.run();
    // Whoever awaits these still sees the rejection; nobody awaiting them is not a crash.
    this.caughtUp.catch(() => undefined);
    this.done.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wait?.cancel();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    // While a page's events are handled, the next page is read (one ahead, only when the page did not reach the head):
    // a catch-up then waits for the database only when the handler is faster than it.
    let ahead: { version: number; page: Promise<Page> } | undefined;
    try {
      let cursor = await this.source.start();
      while (!this.stopped) {
        const read = ahead ?? { version: this.wake.current, page: this.source.readAfter(cursor, this.options.pageSize) };
        ahead = undefined;
        const page = await read.page;
        if (!page.atHead && !this.stopped) {
          ahead = { version: this.wake.current, page: this.source.readAfter(page.next, this.options.pageSize) };
          // Awaited on the next turn; a stop before that leaves it unread, not unhandled.
          ahead.page.catch(() => undefined);
        }
        for (const event of page.events) {
          if (this.stopped) return;
          await this.handler(event);
          cursor = this.source.cursorOf(event);
        }
        if (this.stopped) return;
        cursor = page.next;
        if (page.atHead) {
          this.markCaughtUp();
          this.wait = this.wake.wait(read.version, this.options.pollIntervalMs, this.wakeFor);
          await this.wait.promise;
          this.wait = undefined;
        }
      }
    } catch (error) {
      this.stopped = true;
      this.failCaughtUp(error);
      throw error;
    } finally {
      this.failCaughtUp(new Error('The subscription stopped before it caught up'));
    }
  }
}
