// The pipelines service's public entry: what composes it into a platform.
export { composePipelines, createPipelinesService, loadPipelinesApi, type PipelinesApplication, type PipelinesService, type PipelinesServiceOptions } from './pipelines-service';
export { loadPipelinesConfig, type PipelinesConfig } from './pipelines-config';
/** Every account's pipelines at their latest definition, folded from the store: what the triggers watch. */
export { PipelinesProjection } from './projections/pipelines-projection';
/** Its projections, for `npm run rebuild-projections`. */
export { pipelinesProjections } from './projections/pipelines-read-models';
