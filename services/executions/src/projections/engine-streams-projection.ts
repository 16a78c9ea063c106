import type { RebuildableProjection, RecordedEvent } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, LANES_STREAM_PREFIX } from '@sluice/contracts';
import { ArtifactClaimsIndex } from './artifact-claims-index';
import { ExecutionReadModels, MemoryExecutionViews } from './execution-read-models';
import { JobQueueIndex } from './job-queue-index';
import { StreamStates } from './stream-states';
import { EXPIRED_EXECUTION_STREAM_PREFIX, type PipelineExecutionExpired } from '../domain';

/**
 * The engine's streams folded: every stream's state (StreamStates) and, fed from its folds, the job queue index and
 * the artifact claims; with `readModels`, also the queries' views in memory (time travel folds them so, decision
 * 0022; the live service keeps them in tables, decision 0069). The live projection, the as-of queries and the rebuild
 * command all fold through this one class, so none of them has a rule of its own.
 */
export class EngineStreamsProjection implements RebuildableProjection {
  readonly name = 'executions.engine-streams';
  // Retention's tombstones (decision 0056) come after the execution they expire, in store order as in a replay.
  readonly streamPrefixes = [EXECUTION_STREAM_PREFIX, LANES_STREAM_PREFIX, JOB_STREAM_PREFIX, EXPIRED_EXECUTION_STREAM_PREFIX];
  states!: StreamStates;
  /** The views in memory; only when made `withReadModels`. */
  readModels: ExecutionReadModels | undefined;
  jobQueue!: JobQueueIndex;
  artifactClaims!: ArtifactClaimsIndex;
  private position: bigint | undefined;

  /**
   * Loads a stream this process does not hold from the store (decision 0070): set by the live service, whose
   * states start from the read model's tables and let finished executions go; a fold from the first event needs none.
   */
  loader: ((streamId: string) => Promise<void>) | undefined;

  constructor(private readonly options: { withReadModels?: boolean; recentClaims?: number } = {}) {
    this.reset();
  }

  /** New, empty folds (the live projection never resets: the engine holds on to its StreamStates). */
  reset(): void {
    const states = new StreamStates();
    const readModels = this.options.withReadModels ? new ExecutionReadModels() : undefined;
    const jobQueue = new JobQueueIndex();
    const artifactClaims = new ArtifactClaimsIndex(this.options.recentClaims);
    states.onFolded((folded) => {
      readModels?.apply(folded);
      jobQueue.apply(folded);
      artifactClaims.apply(folded);
    });
    this.states = states;
    this.readModels = readModels;
    this.jobQueue = jobQueue;
    this.artifactClaims = artifactClaims;
    this.position = undefined;
  }

  /** The queries' views over the folds in memory (made `withReadModels`). */
  views(): MemoryExecutionViews {
    if (!this.readModels) throw new Error('These folds were made without their read models.');
    return new MemoryExecutionViews(this.states, this.readModels);
  }

  apply(event: RecordedEvent): Promise<void> | void {
    if (event.streamId.startsWith(EXPIRED_EXECUTION_STREAM_PREFIX)) {
      if (event.type === 'PipelineExecutionExpired') this.readModels?.expire(event as unknown as PipelineExecutionExpired);
    } else if (this.loader && event.revision > 0n && !this.states.holds(event.streamId)) {
      // A stream not held (let go, or not loaded at the start) is loaded up to the head first; this event is then in.
      return this.loader(event.streamId).then(() => {
        this.states.apply(event.streamId, event.revision, event);
        this.position = event.position;
      });
    } else this.states.apply(event.streamId, event.revision, event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  /** The streams and the job queue (the artifact claims are a cache of what the read model's table holds). */
  contents() {
    return { streams: this.states.contents(), jobQueue: this.jobQueue.contents() };
  }
}
