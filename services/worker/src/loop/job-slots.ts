/**
 * The worker's N job slots. A poller reserves a slot before it polls, so a job it gets always has a
 * place to run; the reservation passes to the job, or to the next waiting poller. Waiters are served in
 * turn, except that a poller whose last poll got a job goes first: its type likely has more queued, and
 * a turn given to an idle type costs a poll wait. A long poll registered with `cutWhenContended` ends
 * early once another poller waits, so every action type gets its turn even with fewer slots than types.
 */
export class JobSlots {
  private free: number;
  private readonly waiters: Array<() => void> = [];
  private readonly longPolls = new Set<AbortController>();

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`concurrency must be a positive integer, got ${size}`);
    this.free = size;
  }

  get contended(): boolean {
    return this.waiters.length > 0;
  }

  /** Resolves true with a slot reserved, or false once `signal` aborts first; `first` waits ahead of the others. */
  acquire(signal: AbortSignal, first = false): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const granted = (): void => {
        signal.removeEventListener('abort', aborted);
        resolve(true);
      };
      const aborted = (): void => {
        const index = this.waiters.indexOf(granted);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      };
      signal.addEventListener('abort', aborted, { once: true });
      if (first) this.waiters.unshift(granted);
      else this.waiters.push(granted);
      const [oldest] = this.longPolls;
      if (oldest !== undefined) {
        this.longPolls.delete(oldest);
        oldest.abort();
      }
    });
  }

  /** Reserves every slot free now (none waits): how many. */
  takeFree(): number {
    const taken = this.free;
    this.free = 0;
    return taken;
  }

  /** Hands the slot straight to the next waiting poller, else frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.free += 1;
  }

  /** Aborts `poll` when a poller starts waiting for a slot; call the returned function once the poll is over. */
  cutWhenContended(poll: AbortController): () => void {
    this.longPolls.add(poll);
    return () => void this.longPolls.delete(poll);
  }
}
