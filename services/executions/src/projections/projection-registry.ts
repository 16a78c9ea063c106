import { DurableRebuildable, type ReadModelDatabase, type RebuildableProjection } from '@sluice/eventing';
import { PipelineCatalogProjection } from './pipeline-catalog/pipeline-catalog-projection';
import { EngineStreamsProjection } from './engine-streams-projection';
import { ExecutionsReadModel } from './executions-read-model';

/**
 * Every projection of the executions service, fresh: the registry the rebuild command walks (docs/decisions/0022).
 * The queries' read model is durable (decision 0069): rebuilt in place in the store's database when there is one.
 */
export function executionsProjections(database?: ReadModelDatabase): RebuildableProjection[] {
  return [new EngineStreamsProjection(), new PipelineCatalogProjection(), ...(database ? [new DurableRebuildable(database, new ExecutionsReadModel(database))] : [])];
}
