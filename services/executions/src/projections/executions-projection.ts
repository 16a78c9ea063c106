import { LiveProjection, type EventStore, type LiveProjectionOptions } from '@sluice/eventing';
import type { ArtifactClaimsIndex } from './artifact-claims-index';
import { EngineStreamsProjection } from './engine-streams-projection';
import type { ExecutionReadModels } from './execution-read-models';
import type { JobQueueIndex } from './job-queue-index';
import type { StreamStates } from './stream-states';

export type ExecutionsProjectionOptions = LiveProjectionOptions;

/**
 * Feeds the engine's in-memory states and read models from the store: every `execution-`, `lanes-` and
 * `job-` event from the first, so a start is a replay (docs/decisions/0010). `waitForPosition` gives a
 * command handler read-your-writes, as in the pipelines service.
 */
export class ExecutionsProjection extends LiveProjection<EngineStreamsProjection> {
  constructor(store: EventStore, options: ExecutionsProjectionOptions = {}) {
    super(store, new EngineStreamsProjection(), options);
  }

  /** The folds (also what a rebuild compares with: contents()). */
  get folds(): EngineStreamsProjection {
    return this.models;
  }

  get states(): StreamStates {
    return this.models.states;
  }

  get readModels(): ExecutionReadModels {
    return this.models.readModels;
  }

  get jobQueue(): JobQueueIndex {
    return this.models.jobQueue;
  }

  get artifactClaims(): ArtifactClaimsIndex {
    return this.models.artifactClaims;
  }
}
