import type { DefinitionSnapshot, PipelineRef } from '@sluice/contracts';

/** The definitions the engine runs: the pipeline catalog, fed by the pipelines service's events. */
export interface PipelineDefinitions {
  /** The newest version; undefined for a pipeline unknown or deleted. */
  latest(pipeline: PipelineRef): DefinitionSnapshot | undefined;
}
