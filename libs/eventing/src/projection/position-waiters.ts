/** The projection did not reach a position in time: the write happened, the read model lags. */
export class ProjectionLagError extends Error {
  override readonly name = 'ProjectionLagError';
}

interface Waiter {
  position: bigint;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Read-your-writes for an in-memory projection: a command handler appends, then waits until the
 * projection has folded the event at the position the append returned, so a query right after
 * the command sees it. The projection calls `reached` after folding each event.
 */
export class PositionWaiters {
  private position: bigint | undefined;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];

  constructor(private readonly timeoutMs = 30_000) {}

  /** The position of the last event folded in; undefined before the first. */
  get current(): bigint | undefined {
    return this.position;
  }

  reached(position: bigint): void {
    this.position = position;
    if (this.waiters.length === 0) return;
    const reached = this.waiters.filter((w) => w.position <= position);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of reached) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /** Resolves once the event at `position` is folded in; rejects after the timeout or on failure. */
  waitFor(position: bigint): Promise<void> {
    if (this.position !== undefined && this.position >= position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new ProjectionLagError(`The read model did not reach position ${position} within ${this.timeoutMs} ms.`));
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The projection's subscription failed: every waiter, now and later, gets the error. */
  fail(error: Error): void {
    this.failure = error;
    this.rejectAll(error);
  }

  /** The projection stops: waiters are told so. */
  stop(): void {
    this.rejectAll(new ProjectionLagError('The service is stopping.'));
  }

  /** The projection is rebuilt from the start. */
  reset(): void {
    this.position = undefined;
    this.failure = undefined;
  }

  private rejectAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
