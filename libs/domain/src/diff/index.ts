export { diffPipelineDeclarations } from './diff-pipeline-declarations';
export type { PipelineChange, PipelineChangeKind } from './pipeline-change';
