import { openDurableReadModel, type EventStore, type OpenedDurableReadModel, type RecordedEvent } from '@sluice/eventing';
import { ArtifactsReadModel, type PendingRecord } from './artifacts-read-model';

/** How long live events wait to be committed together (a read after a write, `waitForPosition`, does not wait). */
const COMMIT_INTERVAL_MS = 100;

export interface ArtifactsProjectionOptions {
  /** Told the outputs executions produced that are not recorded yet: those each commit folds, and at start those a crash left. */
  onOutputs: (outputs: PendingRecord[]) => void;
  onError?: (error: Error) => void;
  waitTimeoutMs?: number;
}

/**
 * Keeps the artifacts read model's tables (decision 0065) folded from the store: in the store's own database
 * (PostgreSQL, PGlite), after its checkpoint, so a restart reads only the events it has not folded; for a store
 * without SQL (KurrentDB), in an in-memory PGlite rebuilt at each start. The outputs an execution produced are rows
 * of the same transaction as the event that produced them, so none is lost to a crash: each commit hands its own to
 * `onOutputs`, and a start hands over every row still there (recording one twice is refused by its stream).
 */
export class ArtifactsProjection {
  private durable: OpenedDurableReadModel<ArtifactsReadModel> | undefined;
  private live = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: ArtifactsProjectionOptions,
  ) {}

  /** The read model's queries (after `start`). */
  get model(): ArtifactsReadModel {
    if (!this.durable) throw new Error('The artifacts projection is not started.');
    return this.durable.model;
  }

  /** Events this process read from the store since it started: a restart reads only those after the checkpoint. */
  get eventsRead(): number {
    return this.durable?.runner.eventsRead ?? 0;
  }

  async start(): Promise<void> {
    const durable = await openDurableReadModel(this.store, (database) => new ArtifactsReadModel(database), {
      waitTimeoutMs: this.options.waitTimeoutMs,
      onError: this.options.onError,
      onCommitted: (events) => this.committed(events),
      // Every execution event is folded here, on the store's own database: a transaction per 100 ms at most, not per event.
      commitIntervalMs: COMMIT_INTERVAL_MS,
    });
    this.durable = durable;
    try {
      await durable.runner.start();
    } catch (error) {
      await durable.close();
      this.durable = undefined;
      throw error;
    }
    this.live = true;
    const pending = await durable.model.pendingOutputs();
    if (pending.length > 0) this.options.onOutputs(pending);
  }

  async stop(): Promise<void> {
    this.live = false;
    await this.durable?.close();
    this.durable = undefined;
  }

  /** Resolves once the event at `position` is folded in: a read after a write then sees the write. */
  waitForPosition(position: bigint): Promise<void> {
    if (!this.durable) return Promise.reject(new Error('The artifacts projection is not started.'));
    return this.durable.runner.waitForPosition(position);
  }

  /** The outputs the committed events produced (while catching up, start() hands them all over at its end). */
  private async committed(events: readonly RecordedEvent[]): Promise<void> {
    if (!this.live || !events.some((event) => event.type === 'ActionExecutionSucceeded')) return;
    try {
      const outputs = await this.durable!.model.pendingOutputs(events[0]!.position - 1n, events[events.length - 1]!.position);
      if (outputs.length > 0) this.options.onOutputs(outputs);
    } catch (error) {
      // Not lost: the rows stay, and the next start hands them over.
      this.options.onError?.(new Error(`reading the outputs to record: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
