import { secretForms, StreamMasker, ValidationError } from '@sluice/domain';
import type { JobApi, JobLogEntry } from '../job-api/job-api';
import { isJobRefusal } from '../job-api/job-refusal';
import type { LogStream } from '../providers/action-provider';
import type { WorkerEvent } from './worker-events';

export interface LogShippingOptions {
  /** A batch waits at most this long for more output (100 ms). */
  flushIntervalMs: number;
  /** A batch is sent at once when this many bytes wait (32 KiB); also the most one call carries. */
  flushBytes: number;
  /** Bytes held for a service that does not answer; past it chunks are dropped and counted (1 MiB). */
  maxBufferedBytes: number;
  /** Between attempts after a failure to reach the service (100 ms doubling up to 2 s). */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** How long `close()` keeps trying to deliver the rest (5 s). */
  closeTimeoutMs: number;
}

export const DEFAULT_LOG_SHIPPING: LogShippingOptions = {
  flushIntervalMs: 100,
  flushBytes: 32 * 1024,
  maxBufferedBytes: 1024 * 1024,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 2_000,
  closeTimeoutMs: 5_000,
};

// The service takes chunks of at most 64 KiB; 16 Ki UTF-16 units are at most 48 KiB of UTF-8.
const PIECE_UNITS = 16 * 1024;
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Splits long output into pieces the service takes, never inside a surrogate pair. */
function pieces(chunk: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < chunk.length; ) {
    let end = Math.min(chunk.length, start + PIECE_UNITS);
    const last = chunk.charCodeAt(end - 1);
    if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(chunk.slice(start, end));
    start = end;
  }
  return out;
}

interface Pending {
  entry: JobLogEntry;
  bytes: number;
}

/**
 * Ships one job's output to `appendJobLogs` in batches, without ever making the job wait: `write` only
 * buffers. One call in flight at a time keeps the order; a failure to reach the service is retried with
 * backoff while the job runs; a full buffer drops chunks and says so in a `system` line once there is room.
 * A refusal (the job is not ours any more) ends the shipping.
 */
export class JobLogShipper {
  private readonly buffer: Pending[] = [];
  private bufferedBytes = 0;
  private nextSequence = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closingUntil: number | undefined;
  private ended = false;
  private readonly forms: string[];
  private readonly maskers = new Map<LogStream, StreamMasker>();

  constructor(
    private readonly api: Pick<JobApi, 'appendJobLogs'>,
    private readonly jobId: string,
    private readonly nonce: string,
    private readonly options: LogShippingOptions,
    private readonly emit: (event: WorkerEvent) => void,
    /** The secrets' values the job received (decision 0043): shown as `***`, as are their base64 and URL-encoded forms. */
    masks: readonly string[] = [],
  ) {
    this.forms = secretForms(masks);
  }

  write(stream: LogStream, chunk: string, at = new Date()): void {
    if (this.ended || this.closingUntil !== undefined || chunk.length === 0) return;
    this.buffered(stream, this.maskerOf(stream).write(chunk), at);
  }

  /** A secret's value never reaches the buffer: the text is masked per stream, a value split across writes included. */
  private maskerOf(stream: LogStream): StreamMasker {
    let masker = this.maskers.get(stream);
    if (!masker) this.maskers.set(stream, (masker = new StreamMasker(this.forms)));
    return masker;
  }

  private buffered(stream: LogStream, chunk: string, at: Date): void {
    if (chunk.length === 0) return;
    for (const piece of pieces(chunk)) {
      const size = bytes(piece);
      if (this.bufferedBytes + size > this.options.maxBufferedBytes) {
        this.dropped += 1;
        continue;
      }
      if (this.dropped > 0) this.noteDropped(at);
      this.push({ sequence: 0, stream, chunk: piece, at: at.toISOString() });
    }
    if (this.bufferedBytes >= this.options.flushBytes) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.flushIntervalMs);
  }

  /** Sends what is buffered now instead of at the end of the interval (the output is complete); `close()` still ends the shipping. */
  flush(): void {
    if (this.buffer.length > 0) this.kick();
  }

  /** Delivers what is left (trying for at most `closeTimeoutMs`); resolves when done or given up. Never rejects. */
  async close(): Promise<void> {
    if (this.closingUntil === undefined) {
      if (!this.ended) for (const [stream, masker] of this.maskers) this.buffered(stream, masker.end(), new Date());
      this.closingUntil = Date.now() + this.options.closeTimeoutMs;
      if (this.dropped > 0 && !this.ended) this.noteDropped(new Date(), true);
    }
    this.kick();
    while (this.sending) await this.sending;
    if (this.buffer.length > 0 && !this.ended) this.giveUp('the service could not be reached before the job ended');
    this.ended = true;
  }

  private noteDropped(at: Date, force = false): void {
    const chunk = `[sluice] ${this.dropped} log chunk${this.dropped === 1 ? ' was' : 's were'} dropped: the service did not take them fast enough.\n`;
    const size = bytes(chunk);
    if (!force && this.bufferedBytes + size > this.options.maxBufferedBytes) return;
    this.emit({ type: 'LogsDropped', jobId: this.jobId, chunks: this.dropped, reason: 'the log buffer was full' });
    this.dropped = 0;
    this.push({ sequence: 0, stream: 'system', chunk, at: at.toISOString() });
  }

  private push(entry: JobLogEntry): void {
    const size = bytes(entry.chunk);
    this.buffer.push({ entry: { ...entry, sequence: this.nextSequence++ }, bytes: size });
    this.bufferedBytes += size;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending || this.ended) return;
    this.sending = this.sendWhileDue().finally(() => {
      this.sending = undefined;
      // Output that came during the last call: within the interval, or at once when enough waits.
      if (this.buffer.length > 0 && !this.ended && this.closingUntil === undefined) {
        if (this.bufferedBytes >= this.options.flushBytes) this.kick();
        else this.timer ??= setTimeout(() => this.kick(), this.options.flushIntervalMs);
      }
    });
  }

  private async sendWhileDue(): Promise<void> {
    do {
      const batch: Pending[] = [];
      let size = 0;
      for (const pending of this.buffer) {
        if (batch.length > 0 && size + pending.bytes > this.options.flushBytes) break;
        batch.push(pending);
        size += pending.bytes;
      }
      if (batch.length === 0 || !(await this.deliver(batch.map((pending) => pending.entry)))) return;
      this.buffer.splice(0, batch.length);
      this.bufferedBytes -= size;
    } while (this.buffer.length > 0 && (this.closingUntil !== undefined || this.bufferedBytes >= this.options.flushBytes));
  }

  /** True once stored; false when shipping ended (a refusal, or the close deadline passed). */
  private async deliver(entries: JobLogEntry[]): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.api.appendJobLogs(this.jobId, this.nonce, entries);
        return true;
      } catch (error) {
        if (isJobRefusal(error)) {
          this.giveUp(`the service refused them: ${(error as Error).message}`);
          return false;
        }
        if (error instanceof ValidationError) {
          // A bug of ours, not the service's state: this batch is never taken, the next ones may be.
          this.emit({ type: 'LogsDropped', jobId: this.jobId, chunks: entries.length, reason: `the service refused a batch: ${error.message}` });
          return true;
        }
        const delay = Math.min(this.options.retryMaxDelayMs, this.options.retryInitialDelayMs * 2 ** attempt);
        if (this.closingUntil !== undefined && Date.now() + delay > this.closingUntil) return false;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private giveUp(reason: string): void {
    if (this.buffer.length > 0) this.emit({ type: 'LogsDropped', jobId: this.jobId, chunks: this.buffer.length + this.dropped, reason });
    this.buffer.length = 0;
    this.bufferedBytes = 0;
    this.ended = true;
  }
}
