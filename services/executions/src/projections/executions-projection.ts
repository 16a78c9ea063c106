import { DurableProjectionRunner, LiveProjection, openReadModelDatabase, type EventStore, type LiveProjectionOptions, type OpenedReadModelDatabase } from '@sluice/eventing';
import type { ArtifactClaimsIndex } from './artifact-claims-index';
import { EngineStreamsProjection } from './engine-streams-projection';
import { ExecutionsReadModel } from './executions-read-model';
import type { ExecutionViews } from './execution-views';
import type { JobQueueIndex } from './job-queue-index';
import type { StreamStates } from './stream-states';

export type ExecutionsProjectionOptions = LiveProjectionOptions;

/** How long live events wait to be committed together to the read model's tables (a query or a command's wait commits at once). */
const READ_MODEL_COMMIT_INTERVAL_MS = 100;

/**
 * Feeds the engine's in-memory states from the store: every `execution-`, `lanes-` and `job-` event from the first,
 * so a start is a replay (docs/decisions/0010). The queries' views are a durable read model in the store's database
 * that resumes after its checkpoint (decision 0069). `waitForPosition` gives a command handler read-your-writes: it
 * waits for both.
 */
export class ExecutionsProjection extends LiveProjection<EngineStreamsProjection> {
  private opened: OpenedReadModelDatabase | undefined;
  private runner: DurableProjectionRunner | undefined;
  private model: ExecutionsReadModel | undefined;

  constructor(
    private readonly eventStore: EventStore,
    private readonly liveOptions: ExecutionsProjectionOptions = {},
  ) {
    super(eventStore, new EngineStreamsProjection(), liveOptions);
  }

  override async start(): Promise<void> {
    if (!this.opened) {
      const opened = await openReadModelDatabase(this.eventStore);
      this.opened = opened;
      // A query waits until the tables hold every event the engine has folded: what the in-memory views answered.
      const model = new ExecutionsReadModel(opened.database, async () => {
        const position = this.processedPosition;
        if (position !== undefined) await this.runner?.waitForPosition(position);
      });
      this.model = model;
      this.runner = new DurableProjectionRunner(this.eventStore, opened.database, model, {
        commitIntervalMs: READ_MODEL_COMMIT_INTERVAL_MS,
        ...(this.liveOptions.waitTimeoutMs !== undefined ? { waitTimeoutMs: this.liveOptions.waitTimeoutMs } : {}),
        ...(this.liveOptions.onError ? { onError: this.liveOptions.onError } : {}),
      });
      await Promise.all([super.start(), this.runner.start()]);
      return;
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.runner?.stop();
    this.runner = undefined;
    await this.opened?.close();
    this.opened = undefined;
  }

  override async waitForPosition(position: bigint): Promise<void> {
    await Promise.all([super.waitForPosition(position), this.runner?.waitForPosition(position)]);
  }

  /** The folds (also what a rebuild compares with: contents()). */
  get folds(): EngineStreamsProjection {
    return this.models;
  }

  get states(): StreamStates {
    return this.models.states;
  }

  /** The queries' views, in tables: usable once started (the application is composed before). */
  readonly views: ExecutionViews = {
    pipelineState: (pipeline) => this.tables().pipelineState(pipeline),
    execution: (executionId) => this.tables().execution(executionId),
    pipelineOf: (executionId) => this.tables().pipelineOf(executionId),
    summaries: (pipeline) => this.tables().summaries(pipeline),
    actionDetails: (pipeline, executionId) => this.tables().actionDetails(pipeline, executionId),
    ruleDetails: (pipeline, executionId) => this.tables().ruleDetails(pipeline, executionId),
    deployments: (pipeline) => this.tables().deployments(pipeline),
    approval: (token) => this.tables().approval(token),
    expiryOf: (executionId) => this.tables().expiryOf(executionId),
  };

  /** The durable read model itself (its runner's checkpoint, its contents). */
  get readModel(): { model: ExecutionsReadModel; runner: DurableProjectionRunner } {
    if (!this.model || !this.runner) throw new Error('The executions projection is not started.');
    return { model: this.model, runner: this.runner };
  }

  private tables(): ExecutionsReadModel {
    return this.readModel.model;
  }

  get jobQueue(): JobQueueIndex {
    return this.models.jobQueue;
  }

  get artifactClaims(): ArtifactClaimsIndex {
    return this.models.artifactClaims;
  }
}
