import { PositionWaiters, type EventStore, type RecordedEvent, type Subscription } from '@sluice/eventing';
import { EngineStreamsProjection } from './engine-streams-projection';
import type { ExecutionReadModels } from './execution-read-models';
import type { JobQueueIndex } from './job-queue-index';
import type { StreamStates } from './stream-states';

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
  /** The folds (also what a rebuild compares with: contents()). */
  readonly folds = new EngineStreamsProjection();
  readonly states: StreamStates = this.folds.states;
  readonly readModels: ExecutionReadModels = this.folds.readModels;
  readonly jobQueue: JobQueueIndex = this.folds.jobQueue;
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;

  constructor(
    private readonly store: EventStore,
    private readonly options: ExecutionsProjectionOptions = {},
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  get processedPosition(): bigint | undefined {
    return this.positions.current;
  }

  /** Subscribes from the first event; resolves once every event stored so far is folded in. */
  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), {
      fromPosition: 'start',
      streamPrefixes: this.folds.streamPrefixes,
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    await subscription.caughtUp;
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
    this.folds.apply(event);
    this.positions.reached(event.position);
  }

  private fail(error: Error): void {
    this.positions.fail(error);
    this.options.onError?.(error);
  }
}
