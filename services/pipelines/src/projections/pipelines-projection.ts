import { PositionWaiters, type EventStore, type RecordedEvent, type Subscription } from '@sluice/eventing';
import { ActionTypeReadModel } from './action-type-read-model';
import { PipelineReadModel } from './pipeline-read-model';
import { PipelinesReadModels } from './pipelines-read-models';

/**
 * Feeds the read models from the store. They live in memory and are rebuilt by replaying every
 * `pipeline-` and `actiontype-` event at start (docs/decisions/0007): a checkpoint would only help
 * a durable read model, and replay runs at hundreds of thousands of events a second.
 */
export class PipelinesProjection {
  /** The read models; also what a rebuild compares with (contents()). */
  readonly models = new PipelinesReadModels();
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;

  constructor(
    private readonly store: EventStore,
    private readonly options: { waitTimeoutMs?: number; onError?: (error: Error) => void } = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  get pipelines(): PipelineReadModel {
    return this.models.pipelines;
  }

  get actionTypes(): ActionTypeReadModel {
    return this.models.actionTypes;
  }

  /** The position of the last event folded in; undefined before the first. */
  get processedPosition(): bigint | undefined {
    return this.positions.current;
  }

  /** Subscribes from the first event; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition: 'start',
      streamPrefixes: this.models.streamPrefixes,
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
  }

  /** Drops the read models and builds them again by replaying the store. */
  async rebuild(): Promise<void> {
    await this.subscription?.stop();
    this.models.reset();
    this.positions.reset();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    this.positions.stop();
  }

  /** Resolves once the event at `position` is folded in: a read after a write then sees the write. */
  waitForPosition(position: bigint): Promise<void> {
    return this.positions.waitFor(position);
  }


  private apply(event: RecordedEvent): void {
    this.models.apply(event);
    this.positions.reached(event.position);
  }

  private fail(error: Error): void {
    this.positions.fail(error);
    this.options.onError?.(error);
  }
}
