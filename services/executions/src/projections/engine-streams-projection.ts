import type { RebuildableProjection, RecordedEvent } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, LANES_STREAM_PREFIX } from '@sluice/contracts';
import { ArtifactClaimsIndex } from './artifact-claims-index';
import { ExecutionReadModels } from './execution-read-models';
import { JobQueueIndex } from './job-queue-index';
import { StreamStates } from './stream-states';
import { EXPIRED_EXECUTION_STREAM_PREFIX, type PipelineExecutionExpired } from '../domain';

/**
 * The engine's streams folded: every stream's state (StreamStates) and, fed from its folds, the read
 * models and the job queue index. The live projection, the as-of queries and the rebuild command all fold
 * through this one class, so none of them has a rule of its own (docs/decisions/0022).
 */
export class EngineStreamsProjection implements RebuildableProjection {
  readonly name = 'executions.engine-streams';
  // Retention's tombstones (decision 0056) come after the execution they expire, in store order as in a replay.
  readonly streamPrefixes = [EXECUTION_STREAM_PREFIX, LANES_STREAM_PREFIX, JOB_STREAM_PREFIX, EXPIRED_EXECUTION_STREAM_PREFIX];
  states!: StreamStates;
  readModels!: ExecutionReadModels;
  jobQueue!: JobQueueIndex;
  artifactClaims!: ArtifactClaimsIndex;
  private position: bigint | undefined;

  constructor() {
    this.reset();
  }

  /** New, empty folds (the live projection never resets: the engine holds on to its StreamStates). */
  reset(): void {
    const states = new StreamStates();
    const readModels = new ExecutionReadModels();
    const jobQueue = new JobQueueIndex();
    const artifactClaims = new ArtifactClaimsIndex();
    states.onFolded((folded) => {
      readModels.apply(folded);
      jobQueue.apply(folded);
      artifactClaims.apply(folded);
    });
    this.states = states;
    this.readModels = readModels;
    this.jobQueue = jobQueue;
    this.artifactClaims = artifactClaims;
    this.position = undefined;
  }

  apply(event: RecordedEvent): void {
    if (event.streamId.startsWith(EXPIRED_EXECUTION_STREAM_PREFIX)) {
      if (event.type === 'PipelineExecutionExpired') this.readModels.expire(event as unknown as PipelineExecutionExpired);
    } else this.states.apply(event.streamId, event.revision, event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  contents() {
    return { streams: this.states.contents(), readModels: this.readModels.contents(), jobQueue: this.jobQueue.contents(), artifactClaims: this.artifactClaims.contents() };
  }
}
