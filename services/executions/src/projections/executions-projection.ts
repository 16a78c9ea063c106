import { LiveProjection, NOTHING_FOLDED, openDurableReadModel, type DurableProjectionRunner, type EventStore, type LiveProjectionOptions, type OpenedDurableReadModel } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, executionStreamId, jobStreamId } from '@sluice/contracts';
import { isFinished, isTerminal, jobsOf, needsAttention, type ExecutionState, type JobState } from '../domain';
import type { ArtifactClaimsIndex } from './artifact-claims-index';
import { EngineStreamsProjection } from './engine-streams-projection';
import { ExecutionsReadModel } from './executions-read-model';
import type { ExecutionViews } from './execution-views';
import type { JobQueueIndex } from './job-queue-index';
import type { StreamStates } from './stream-states';

export interface ExecutionsProjectionOptions extends LiveProjectionOptions {
  /** Finished executions kept in memory, the most recently finished (default 500): older ones are loaded when used. */
  retainFinished?: number;
}

/** How long live events wait to be committed together to the read model's tables (a query or a command's wait commits at once). */
const READ_MODEL_COMMIT_INTERVAL_MS = 100;
/** Addresses whose claims are kept in memory for the moment before the read model's next commit. */
const RECENT_CLAIMS = 10_000;
const DEFAULT_RETAIN_FINISHED = 500;
/** Events read per page when a stream not held is loaded. */
const LOAD_PAGE = 500;

/**
 * The engine's streams in memory and the queries' read model in the store's database (decisions 0069, 0070). The read
 * model resumes after its checkpoint; its tables also hold every engine stream's folded state, so a start loads only
 * what the engine works on (every lanes stream, the executions that need it or hold a lane place, and their jobs) and
 * subscribes after the checkpoint. A stream not held is loaded from the store when an event or a command touches it,
 * and a finished execution leaves memory (with its jobs) once `retainFinished` others finished after it.
 * `waitForPosition` gives a command handler read-your-writes: it waits for both.
 */
export class ExecutionsProjection extends LiveProjection<EngineStreamsProjection> {
  private durable: OpenedDurableReadModel<ExecutionsReadModel> | undefined;
  private readonly loading = new Map<string, Promise<void>>();
  /** The jobs held of each execution held: they leave memory with it (a finished action no longer names its job). */
  private readonly heldJobs = new Map<string, Set<string>>();
  /** Jobs held without their execution, oldest first. */
  private readonly lonelyJobs = new Set<string>();
  /** Finished executions held, oldest finish first: what leaves memory first. */
  private readonly finished = new Set<string>();
  private readonly retainFinished: number;

  constructor(
    private readonly eventStore: EventStore,
    private readonly liveOptions: ExecutionsProjectionOptions = {},
  ) {
    super(eventStore, new EngineStreamsProjection({ recentClaims: RECENT_CLAIMS }), liveOptions);
    this.retainFinished = liveOptions.retainFinished ?? DEFAULT_RETAIN_FINISHED;
    this.models.loader = (streamId) => this.load([streamId]);
    this.models.states.onFolded((folded) => {
      if (folded.aggregate === 'execution' && folded.state.status !== 'NotStarted' && isTerminal(folded.state)) {
        this.finished.delete(folded.state.run.executionId);
        this.finished.add(folded.state.run.executionId);
      }
      if (folded.aggregate === 'job' && folded.state.status !== 'NotCreated') this.holdJob(folded.state.spec.executionId, folded.state.spec.jobId);
      // A finished execution kept for a lane place or an open job may go once its lanes or jobs change.
      if (this.finished.size > this.retainFinished) this.letGo();
    });
  }

  override async start(): Promise<void> {
    if (!this.durable) {
      // A query waits until the tables hold every event the engine has folded: what the in-memory views answered.
      const durable = await openDurableReadModel(
        this.eventStore,
        (database) =>
          new ExecutionsReadModel(database, async () => {
            const position = this.processedPosition;
            if (position !== undefined) await this.durable?.runner.waitForPosition(position);
          }),
        { waitTimeoutMs: this.liveOptions.waitTimeoutMs, onError: this.liveOptions.onError, commitIntervalMs: READ_MODEL_COMMIT_INTERVAL_MS },
      );
      this.durable = durable;
      const { model, runner } = durable;
      // The tables first (they read only what their checkpoint has not seen), then the streams the engine works on
      // from them, then the events after the checkpoint (a row already past one skips it: revisions say so).
      await runner.start();
      const checkpoint = runner.checkpoint;
      for (const { streamId, revision, state } of await model.engineStreams()) {
        this.states.seed(streamId, revision, state);
        // A finished execution loaded for the lane place it still holds may go once it is released.
        const execution = state as ExecutionState;
        if (streamId.startsWith(EXECUTION_STREAM_PREFIX) && execution.status !== 'NotStarted' && isTerminal(execution)) this.finished.add(execution.run.executionId);
        if (streamId.startsWith(JOB_STREAM_PREFIX)) {
          const job = state as JobState;
          this.jobQueue.hold(job);
          if (job.status !== 'NotCreated') this.holdJob(job.spec.executionId, job.spec.jobId);
        }
      }
      await super.start(checkpoint === NOTHING_FOLDED ? 'start' : checkpoint);
      return;
    }
    await super.start();
  }

  /**
   * Loads the streams not held from the store (each once, however many ask at a time); an execution with its jobs.
   * Whatever brings an execution not held into memory comes through here, so a held execution's jobs are all held
   * but those not created yet.
   */
  load(streamIds: readonly string[]): Promise<void> {
    const missing = streamIds.filter((streamId) => !this.states.holds(streamId));
    if (missing.length === 0) return Promise.resolve();
    return Promise.all(
      missing.map((streamId) => {
        let loading = this.loading.get(streamId);
        if (!loading) {
          loading = this.readIn(streamId).finally(() => this.loading.delete(streamId));
          this.loading.set(streamId, loading);
        }
        return loading;
      }),
    ).then(() => undefined);
  }

  /** The accounts the engine's executions give a claim on each address: the table's, and those folded since its last commit. */
  async executionClaimants(addresses: readonly string[]): Promise<Map<string, Set<string>>> {
    const claimants = await this.readModel.model.claimants(addresses);
    for (const address of addresses) {
      for (const account of this.models.artifactClaims.claimants(address) ?? []) {
        const accounts = claimants.get(address) ?? new Set<string>();
        accounts.add(account);
        claimants.set(address, accounts);
      }
    }
    return claimants;
  }

  private async readIn(streamId: string): Promise<void> {
    for (let from = this.states.revisionOf(streamId) + 1n; ; ) {
      const events = await this.eventStore.readStream(streamId, { from, maxCount: LOAD_PAGE });
      for (const event of events) this.states.apply(streamId, event.revision, event);
      if (events.length < LOAD_PAGE) break;
      from = events.at(-1)!.revision + 1n;
    }
    // A stream with no event yet (an invoked execution about to start, a new pipeline's lanes) is held empty: its first
    // event is revision 0, folded as it comes, and asking again would read the store at every engine pass.
    this.states.holdEmpty(streamId);
    // An execution comes with its jobs, as at a start: its jobs are held whenever it is.
    if (streamId.startsWith(EXECUTION_STREAM_PREFIX)) await this.load(jobsOf(this.states.execution(streamId.slice(EXECUTION_STREAM_PREFIX.length)).state).map(jobStreamId));
  }

  /**
   * Lets the longest-finished executions go, with their jobs, down to `retainFinished`: one that still needs the engine
   * (a retry reopened it, a lane place is still held, a job is still open) stays, and is looked at again next time.
   */
  private letGo(): void {
    const kept: string[] = [];
    for (const executionId of [...this.finished]) {
      if (this.finished.size + kept.length <= this.retainFinished) break;
      this.finished.delete(executionId);
      const execution = this.states.execution(executionId).state;
      if (execution.status === 'NotStarted' || !isTerminal(execution)) continue;
      const jobs = [...(this.heldJobs.get(executionId) ?? [])];
      const openJob = jobs.some((jobId) => {
        const job = this.states.job(jobId).state;
        return job.status !== 'NotCreated' && !isFinished(job);
      });
      if (openJob || needsAttention(execution, this.states.lanes(execution.run.inputs.pipeline).state)) {
        kept.push(executionId);
        continue;
      }
      this.states.evict(executionStreamId(executionId));
      for (const jobId of jobs) this.states.evict(jobStreamId(jobId));
      this.heldJobs.delete(executionId);
    }
    for (const executionId of kept) this.finished.add(executionId);
  }

  private holdJob(executionId: string, jobId: string): void {
    if (!this.states.holds(executionStreamId(executionId))) {
      // A job read alone (a late worker call on a job whose execution left memory): the most recent few stay.
      this.lonelyJobs.delete(jobId);
      this.lonelyJobs.add(jobId);
      if (this.lonelyJobs.size > this.retainFinished) {
        const oldest = this.lonelyJobs.values().next().value!;
        this.lonelyJobs.delete(oldest);
        if (isFinished(this.states.job(oldest).state)) this.states.evict(jobStreamId(oldest));
      }
      return;
    }
    const jobs = this.heldJobs.get(executionId) ?? new Set<string>();
    jobs.add(jobId);
    this.heldJobs.set(executionId, jobs);
  }


  override async stop(): Promise<void> {
    await super.stop();
    await this.durable?.close();
    this.durable = undefined;
  }

  override async waitForPosition(position: bigint): Promise<void> {
    await Promise.all([super.waitForPosition(position), this.durable?.runner.waitForPosition(position)]);
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
    if (!this.durable) throw new Error('The executions projection is not started.');
    return this.durable;
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
