export interface BackoffOptions {
  /** First wait (default 100 ms). */
  initialDelayMs?: number;
  /** Longest wait (default 5000 ms). */
  maxDelayMs?: number;
}

/** Waits that double from initialDelayMs up to maxDelayMs, with ±20 % jitter so retrying peers spread out. */
export class Backoff {
  private delay: number;
  private readonly initial: number;
  private readonly max: number;

  constructor(options: BackoffOptions = {}) {
    this.initial = options.initialDelayMs ?? 100;
    this.max = options.maxDelayMs ?? 5_000;
    this.delay = this.initial;
  }

  reset(): void {
    this.delay = this.initial;
  }

  next(): number {
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.max);
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }
}
