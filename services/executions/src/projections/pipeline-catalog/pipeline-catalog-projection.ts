import { isPipelineEvent, PIPELINE_STREAM_PREFIX } from '@sluice/contracts';
import type { RebuildableProjection, RecordedEvent } from '@sluice/eventing';
import { PipelineCatalog } from './pipeline-catalog';

export const PIPELINE_CATALOG_PROJECTION = 'executions.pipeline-catalog';

/**
 * The catalog folded from the store rather than the bus: the same events (the relay publishes the
 * store's `pipeline-` streams as they are), the same `PipelineCatalog.apply`. Used to rebuild it and,
 * up to an instant, to know the definitions of then.
 */
export class PipelineCatalogProjection implements RebuildableProjection {
  readonly name = PIPELINE_CATALOG_PROJECTION;
  readonly streamPrefixes = [PIPELINE_STREAM_PREFIX];
  catalog = new PipelineCatalog();
  private position: bigint | undefined;

  reset(): void {
    this.catalog = new PipelineCatalog();
    this.position = undefined;
  }

  apply(event: RecordedEvent): void {
    if (isPipelineEvent(event)) this.catalog.apply(event.metadata.account, event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  contents(): unknown {
    return this.catalog.contents();
  }
}
