import { PositionWaiters, type EventStore, type RecordedEvent, type Subscription } from '@sluice/eventing';
import { ArtifactsReadModel, type PendingRecord } from './artifacts-read-model';

/**
 * Feeds the read model from the store: every `artifact-` and `execution-` event, replayed from the first at
 * start (in memory, like the pipelines service's read models). Outputs the executions produced are handed
 * to `onOutputs` — after the replay caught up, once each, so history already recorded is not recorded again.
 */
export class ArtifactsProjection {
  readonly model = new ArtifactsReadModel();
  private subscription: Subscription | undefined;
  private readonly positions: PositionWaiters;
  private caughtUp = false;
  private backlog: PendingRecord[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly options: { onOutputs: (outputs: PendingRecord[]) => void; onError?: (error: Error) => void; waitTimeoutMs?: number },
  ) {
    this.positions = new PositionWaiters(options.waitTimeoutMs);
  }

  async start(): Promise<void> {
    const subscription = this.store.subscribeToAll((event) => this.apply(event), { fromPosition: 'start', streamPrefixes: this.model.streamPrefixes });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.positions.fail(failure);
      this.options.onError?.(failure);
    });
    await subscription.caughtUp;
    this.caughtUp = true;
    const backlog = this.backlog.filter((output) => !this.model.hasRecorded(output.actionExecutionId, output.name));
    this.backlog = [];
    if (backlog.length > 0) this.options.onOutputs(backlog);
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
    const outputs = this.model.fold(event);
    this.positions.reached(event.position);
    if (outputs.length === 0) return;
    if (this.caughtUp) this.options.onOutputs(outputs);
    else this.backlog.push(...outputs);
  }
}
