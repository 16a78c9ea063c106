import type { EventStore, RecordedEvent, Subscription } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, LANES_STREAM_PREFIX } from '../domain';
import { ExecutionReadModels } from './execution-read-models';
import { JobQueueIndex } from './job-queue-index';
import { StreamStates } from './stream-states';

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

export interface ExecutionsProjectionOptions {
  waitTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Feeds the engine's in-memory states and read models from the store: every `execution-`, `lanes-` and
 * `job-` event from the first, so a start is a replay (docs/decisions/0010). `waitForPosition` gives a
 * command handler read-your-writes, as in the pipelines service.
 */
export class ExecutionsProjection {
  readonly states = new StreamStates();
  readonly readModels = new ExecutionReadModels();
  readonly jobQueue = new JobQueueIndex();
  private subscription: Subscription | undefined;
  private position: bigint | undefined;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly options: ExecutionsProjectionOptions = {},
  ) {
    this.states.onFolded((folded) => {
      this.readModels.apply(folded);
      this.jobQueue.apply(folded);
    });
  }

  get processedPosition(): bigint | undefined {
    return this.position;
  }

  /** Subscribes from the first event; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition: 'start',
      streamPrefixes: [EXECUTION_STREAM_PREFIX, LANES_STREAM_PREFIX, JOB_STREAM_PREFIX],
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ProjectionLagError('The service is stopping.'));
    }
  }

  /** Resolves once the event at `position` is folded in: a read after a write then sees the write. */
  waitForPosition(position: bigint): Promise<void> {
    if (this.position !== undefined && this.position >= position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const timeoutMs = this.options.waitTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new ProjectionLagError(`The read model did not reach position ${position} within ${timeoutMs} ms.`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private apply(event: RecordedEvent): void {
    this.states.apply(event.streamId, event.revision, event);
    this.position = event.position;
    if (this.waiters.length === 0) return;
    const reached = this.waiters.filter((w) => w.position <= event.position);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > event.position);
    for (const waiter of reached) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    this.options.onError?.(error);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
