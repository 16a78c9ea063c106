import type { EventStore, RecordedEvent, Subscription } from '@sluice/eventing';
import { ACTION_TYPE_STREAM_PREFIX } from '../domain/custom-action-type/custom-action-type';
import { PIPELINE_STREAM_PREFIX } from '../domain/pipeline/pipeline-stream';
import { ActionTypeReadModel } from './action-type-read-model';
import { PipelineReadModel } from './pipeline-read-model';

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
 * Feeds the read models from the store. They live in memory and are rebuilt by replaying every
 * `pipeline-` and `actiontype-` event at start (docs/decisions/0007): a checkpoint would only help
 * a durable read model, and replay runs at hundreds of thousands of events a second.
 */
export class PipelinesProjection {
  private models = { pipelines: new PipelineReadModel(), actionTypes: new ActionTypeReadModel() };
  private subscription: Subscription | undefined;
  private position: bigint | undefined;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly options: { waitTimeoutMs?: number; onError?: (error: Error) => void } = {},
  ) {}

  get pipelines(): PipelineReadModel {
    return this.models.pipelines;
  }

  get actionTypes(): ActionTypeReadModel {
    return this.models.actionTypes;
  }

  /** The position of the last event folded in; undefined before the first. */
  get processedPosition(): bigint | undefined {
    return this.position;
  }

  /** Subscribes from the first event; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition: 'start',
      streamPrefixes: [PIPELINE_STREAM_PREFIX, ACTION_TYPE_STREAM_PREFIX],
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
  }

  /** Drops the read models and builds them again by replaying the store. */
  async rebuild(): Promise<void> {
    await this.subscription?.stop();
    this.models = { pipelines: new PipelineReadModel(), actionTypes: new ActionTypeReadModel() };
    this.position = undefined;
    this.failure = undefined;
    await this.start();
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
    this.models.pipelines.apply(event);
    this.models.actionTypes.apply(event);
    this.position = event.position;
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
