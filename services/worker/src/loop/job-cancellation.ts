/** Why the loop cut a job short: the service took the job back, or the worker is shutting down. */
export type CancelCause = { kind: 'LeaseLost'; message: string } | { kind: 'WorkerStopped' };

/** The abort signal given to a job's provider, remembering the first reason it was aborted for. */
export class JobCancellation {
  private readonly controller = new AbortController();
  private first: CancelCause | null = null;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cause(): CancelCause | null {
    return this.first;
  }

  cancel(cause: CancelCause): void {
    if (this.first !== null) return;
    this.first = cause;
    this.controller.abort(new Error(cause.kind === 'LeaseLost' ? cause.message : 'the worker is stopping'));
  }
}
