/** setTimeout cannot wait longer than this (about 24.8 days); a later wake-up is re-armed on the way. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** One timer per execution, for the instant time alone changes what comes next (leases, deadlines, approval expiry). */
export class WakeUpTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly wake: (executionId: string) => void) {}

  /** Replaces the execution's timer; `delayMs` null clears it. */
  arm(executionId: string, delayMs: number | null): void {
    const existing = this.timers.get(executionId);
    if (existing) clearTimeout(existing);
    this.timers.delete(executionId);
    if (delayMs === null) return;
    const delay = Math.min(Math.max(0, delayMs), MAX_TIMEOUT_MS);
    const timer = setTimeout(() => {
      this.timers.delete(executionId);
      this.wake(executionId);
    }, delay);
    timer.unref();
    this.timers.set(executionId, timer);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
