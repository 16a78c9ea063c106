import type { RebuildableProjection } from '@sluice/eventing';
import { PipelineCatalogProjection } from './pipeline-catalog/pipeline-catalog-projection';
import { EngineStreamsProjection } from './engine-streams-projection';

/** Every projection of the executions service, fresh: the registry the rebuild command walks (docs/decisions/0022). */
export function executionsProjections(): RebuildableProjection[] {
  return [new EngineStreamsProjection(), new PipelineCatalogProjection()];
}
