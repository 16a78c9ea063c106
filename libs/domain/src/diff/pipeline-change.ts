/** One difference between two pipeline declarations, located by a JSONPath that names stages, actions and variables. */
export interface PipelineChange {
  /** e.g. `$.stages[Build].actions[Compile].configuration.ProjectName` */
  path: string;
  kind: PipelineChangeKind;
  /** Absent for 'added'; the old index for 'moved'. */
  before?: unknown;
  /** Absent for 'removed'; the new index for 'moved'. */
  after?: unknown;
}

export type PipelineChangeKind = 'added' | 'removed' | 'changed' | 'moved';
