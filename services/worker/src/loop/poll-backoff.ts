import { setTimeout as sleep } from 'node:timers/promises';

export interface PollBackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Doubling delays after failed polls, capped, with jitter so many workers do not retry in step; reset by a poll that worked. */
export class PollBackoff {
  private failures = 0;

  constructor(private readonly options: PollBackoffOptions) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
