export interface Wait {
  readonly promise: Promise<void>;
  /** Ends the wait now (used by stop()). */
  cancel(): void;
}

/**
 * Wakes waiting subscriptions when something was appended (by this process, or announced by
 * NOTIFY). A version counter makes a wake that lands between a read and the wait not get lost.
 */
export class WakeSignal {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Waits for a notify after version `since`, or at most `timeoutMs` (the poll fallback). */
  wait(since: number, timeoutMs: number): Wait {
    let cancel = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      if (this.version !== since) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(done);
      cancel = done;
    });
    return { promise, cancel: () => cancel() };
  }
}
