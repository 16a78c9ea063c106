/**
 * How a consumer is told to stop: `requested` (start nothing new, cut retry waits short), then
 * `abandoned` once the grace period is over (stop waiting for the message in hand).
 */
export class StopSignal {
  readonly requested: Promise<void>;
  readonly abandoned: Promise<void>;
  private resolveRequested!: () => void;
  private resolveAbandoned!: () => void;
  private graceTimer: NodeJS.Timeout | undefined;
  private requestedFlag = false;

  constructor() {
    this.requested = new Promise((resolve) => (this.resolveRequested = resolve));
    this.abandoned = new Promise((resolve) => (this.resolveAbandoned = resolve));
  }

  get isRequested(): boolean {
    return this.requestedFlag;
  }

  request(graceMs: number): void {
    if (this.requestedFlag) return;
    this.requestedFlag = true;
    this.resolveRequested();
    if (graceMs <= 0) {
      this.resolveAbandoned();
      return;
    }
    this.graceTimer = setTimeout(() => this.resolveAbandoned(), graceMs);
    this.graceTimer.unref();
  }

  /** Forget the grace timer once nothing is in hand any more. */
  dispose(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.resolveAbandoned();
  }
}

/** Waits `ms`, or less if `interrupt` settles first; resolves true if the full delay elapsed. */
export function sleep(ms: number, interrupt?: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    interrupt?.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
