import type { ActionTypeId, ExecutionMode, PipelineDeclaration, SourceRevisionType } from '@sluice/domain';
import type { PipelineRef } from '../streams';

/**
 * What an execution runs with, fixed when it starts. A retry, a re-run or a rollback replays these,
 * never the pipeline as it is now.
 */
export interface ExecutionInputs {
  pipeline: PipelineRef;
  definition: DefinitionSnapshot;
  executionMode: ExecutionMode;
  /** Every pipeline variable with its value: declared defaults overlaid with the start's overrides. */
  variables: ResolvedVariable[];
  /** Revisions pinned at start (overrides, the trigger's revision, or copied from a past execution). */
  sourceRevisions: SourceRevision[];
  trigger: ExecutionTrigger;
  clientRequestToken: string | null;
  scope: ExecutionScope;
  /** Set when an Invoke/Sluice/Pipeline action of another execution started this one: the chain of invokers, nearest last. */
  invokedBy?: InvokingExecution[];
}

export interface InvokingExecution {
  pipelineName: string;
  executionId: string;
  stageName: string;
  actionName: string;
}

export interface DefinitionSnapshot {
  version: number;
  declaration: PipelineDeclaration;
}

export interface ResolvedVariable {
  name: string;
  value: string;
}

export { SOURCE_REVISION_TYPES, type SourceRevisionType } from '@sluice/domain';

/** The revision a source action fetches (or fetched): CodePipeline's `SourceRevision`. */
export interface SourceRevision {
  actionName: string;
  revisionType: SourceRevisionType;
  revisionId: string;
  revisionSummary: string | null;
  revisionUrl: string | null;
}

export const TRIGGER_TYPES = [
  'StartPipelineExecution',
  'CreatePipeline',
  'PollForSourceChanges',
  'Webhook',
  'RollbackStage',
  'RerunStage',
  'AutomatedRollback',
  // CodePipeline's PutActionRevision: a new revision of a source action, given by whoever watches the source.
  'PutActionRevision',
  // An Invoke/Sluice/Pipeline action of another pipeline: the detail names it, `{pipeline}/{executionId}`.
  'PipelineInvoke',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export interface ExecutionTrigger {
  triggerType: TriggerType;
  /** Who or what: the principal of a manual start, the webhook's delivery id, the source execution of a rollback. */
  triggerDetail: string;
}

/** A whole run, or one stage of a past execution replayed with that execution's inputs. */
export type ExecutionScope = AllStagesScope | SingleStageScope;

export interface AllStagesScope {
  kind: 'AllStages';
}

export interface SingleStageScope {
  kind: 'SingleStage';
  stageName: string;
  reason: 'Rerun' | 'Rollback';
  sourceExecutionId: string;
  /** Artifacts and variables the source execution had when the stage ran, so its actions find their inputs. */
  inheritedArtifacts: ArtifactRef[];
  inheritedNamespaces: NamespaceValues[];
}

/** An artifact version, by name; `location` is the artifact service's content address. */
export interface ArtifactRef {
  name: string;
  location: string;
  producedBy: { stageName: string; actionName: string };
}

export interface NamespaceValues {
  namespace: string;
  variables: Record<string, string>;
}

export function isApproval(actionTypeId: ActionTypeId): boolean {
  return actionTypeId.category === 'Approval';
}
