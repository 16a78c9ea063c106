import type { PipelineDeclaration } from '@sluice/domain';

/** A pipeline as the triggers see it: whose it is and its current definition. */
export interface TriggerablePipeline {
  account: string;
  name: string;
  declaration: PipelineDeclaration;
}

/** Lists the pipelines that triggers may start (every account: callers filter by the webhook's account). */
export interface PipelineCatalog {
  listPipelines(): Promise<TriggerablePipeline[]>;
}
