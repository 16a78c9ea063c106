import type { ActionTypeId, ConditionResult, SourceRevisionType, StageRetryMode } from '@sluice/domain';
import type { ArtifactRef, ExecutionInputs, SourceRevision } from './execution-inputs';

/** Events of the `execution-{id}` stream. Types are stored as is: renaming one is a migration. */
export type ExecutionEvent =
  | PipelineExecutionStarted
  | StageExecutionStarted
  | StageConditionCheckStarted
  | StageConditionEvaluated
  | StageConditionOverridden
  | ActionExecutionStarted
  | ActionJobContinued
  | ApprovalResultRecorded
  | ActionExecutionSucceeded
  | ActionExecutionFailed
  | ActionExecutionAbandoned
  | StageExecutionSucceeded
  | StageExecutionFailed
  | StageExecutionSkipped
  | StageExecutionStopped
  | StageRetryRequested
  | StageRollbackRequested
  | StageRollbackStarted
  | PipelineExecutionStopping
  | PipelineExecutionStopped
  | PipelineExecutionSucceeded
  | PipelineExecutionFailed
  | PipelineExecutionSuperseded;

/** Carries the whole input snapshot: the stream alone is enough to replay the execution. */
export interface PipelineExecutionStarted {
  type: 'PipelineExecutionStarted';
  data: { executionId: string; inputs: ExecutionInputs; startedBy: string; startedAt: string };
}

/** The execution holds the stage (its lanes granted entry). `retryMode` is null on a first entry. */
export interface StageExecutionStarted {
  type: 'StageExecutionStarted';
  /** `laneSequence`: the execution's place in its pipeline's order, as the lanes gave it (absent in events appended before decision 0073). */
  data: { stageName: string; attempt: number; retryMode: StageRetryMode | null; startedAt: string; laneSequence?: number };
}

export type StageConditionKind = 'beforeEntry' | 'onSuccess' | 'onFailure';

/** A condition evaluator (outside the domain) runs the rules and answers with `RecordStageConditionResult`. */
export interface StageConditionCheckStarted {
  type: 'StageConditionCheckStarted';
  data: { stageName: string; attempt: number; condition: StageConditionKind; startedAt: string };
}

/** One rule of a condition as its evaluator judged it: CodePipeline's rule execution (ListRuleExecutions). */
export interface RuleEvaluation {
  ruleName: string;
  ruleTypeId: { category: 'Rule'; owner: string; provider: string; version: string };
  /** As declared, with its `#{…}` references. */
  configuration: Record<string, string>;
  passed: boolean;
  /** Why: the comparison made, or what could not be evaluated. */
  message: string;
}

/**
 * `applied` is what the stage does next: PROCEED, or the declared result of the condition. `rules` holds each rule's
 * verdict (events recorded before issue 19 have none).
 */
export interface StageConditionEvaluated {
  type: 'StageConditionEvaluated';
  data: {
    stageName: string;
    attempt: number;
    condition: StageConditionKind;
    rulesPassed: boolean;
    applied: 'PROCEED' | ConditionResult;
    summary: string | null;
    evaluatedAt: string;
    rules?: RuleEvaluation[];
  };
}

/**
 * CodePipeline's OverrideStageCondition: a person let the stage past its beforeEntry or onSuccess condition, one in
 * progress or one that failed the stage. The stage goes on as though the rules had passed; a failed execution is
 * in progress again.
 */
export interface StageConditionOverridden {
  type: 'StageConditionOverridden';
  data: { stageName: string; attempt: number; condition: 'beforeEntry' | 'onSuccess'; overriddenBy: string; at: string };
}

export type ActionWork =
  | { kind: 'Job'; jobId: string; deadline: string; continuationToken: string | null }
  | { kind: 'Approval'; token: string; expiresAt: string }
  /**
   * An Invoke/Sluice/Pipeline action: the engine starts `childExecutionId` (derived from the action execution, so a
   * replay or a second engine names the same one) of `pipelineName` in the same account, with what the start resolved.
   */
  | {
      kind: 'Invoke';
      childExecutionId: string;
      pipelineName: string;
      variables: Array<{ name: string; value: string }>;
      sourceRevisions: Array<{ actionName: string; revisionType: SourceRevisionType; revisionValue: string }>;
      waitForResult: boolean;
      deadline: string;
    }
  /** The action could not even be handed out (unresolved variable, missing artifact): it fails in the same decision. */
  | { kind: 'None' };

export interface ActionExecutionStarted {
  type: 'ActionExecutionStarted';
  data: {
    stageName: string;
    actionName: string;
    actionExecutionId: string;
    attempt: number;
    runOrder: number;
    actionTypeId: ActionTypeId;
    /** The configuration with every `#{…}` resolved (as written, when resolution failed). */
    resolvedConfiguration: Record<string, string>;
    resolvedCommands: string[];
    resolvedEnvironmentVariables: Array<{ name: string; value: string; type: string }>;
    inputArtifacts: ArtifactRef[];
    namespace: string | null;
    work: ActionWork;
    startedAt: string;
  };
}

/** The worker answered with a continuation token: the same action goes on in a follow-up job. */
export interface ActionJobContinued {
  type: 'ActionJobContinued';
  data: { stageName: string; actionName: string; previousJobId: string; jobId: string; continuationToken: string; deadline: string; at: string };
}

export interface ApprovalResultRecorded {
  type: 'ApprovalResultRecorded';
  data: { stageName: string; actionName: string; token: string; status: 'Approved' | 'Rejected'; summary: string; approvedBy: string; at: string };
}

export interface ActionExecutionSucceeded {
  type: 'ActionExecutionSucceeded';
  data: {
    stageName: string;
    actionName: string;
    actionExecutionId: string;
    outputArtifacts: ArtifactRef[];
    outputVariables: Record<string, string>;
    summary: string | null;
    externalExecutionId: string | null;
    externalExecutionUrl: string | null;
    sourceRevision: SourceRevision | null;
    finishedAt: string;
  };
}

export const ACTION_ERROR_TYPES = [
  'JobFailed',
  'TimedOut',
  'UnresolvedVariable',
  'MissingInputArtifact',
  'MissingOutputArtifact',
  'ApprovalRejected',
  'ApprovalExpired',
  // Invoke/Sluice/Pipeline: the pipeline could not be started (missing, refused input, loop), or its execution did not succeed.
  'InvokeRefused',
  'InvokedExecutionFailed',
] as const;
export type ActionErrorType = (typeof ACTION_ERROR_TYPES)[number];

export interface ActionExecutionFailed {
  type: 'ActionExecutionFailed';
  data: {
    stageName: string;
    actionName: string;
    actionExecutionId: string;
    errorType: ActionErrorType;
    message: string;
    externalExecutionId: string | null;
    finishedAt: string;
  };
}

/** Stopped by "abandon": a result that arrives later is ignored. */
export interface ActionExecutionAbandoned {
  type: 'ActionExecutionAbandoned';
  data: { stageName: string; actionName: string; actionExecutionId: string; reason: string; at: string };
}

export interface StageExecutionSucceeded {
  type: 'StageExecutionSucceeded';
  data: { stageName: string; attempt: number; at: string };
}

export interface StageExecutionFailed {
  type: 'StageExecutionFailed';
  data: { stageName: string; attempt: number; failedActions: string[]; message: string; at: string };
}

export interface StageExecutionSkipped {
  type: 'StageExecutionSkipped';
  data: { stageName: string; attempt: number; reason: string; at: string };
}

export interface StageExecutionStopped {
  type: 'StageExecutionStopped';
  data: { stageName: string; attempt: number; at: string };
}

/** The stage goes back to waiting for entry; on entry, `retryMode` says which actions run again. */
export interface StageRetryRequested {
  type: 'StageRetryRequested';
  data: { stageName: string; retryMode: StageRetryMode; automatic: boolean; requestedBy: string; at: string };
}

/** A stage condition asked for a rollback; the engine starts a rollback execution of the stage. */
export interface StageRollbackRequested {
  type: 'StageRollbackRequested';
  data: { stageName: string; attempt: number; at: string };
}

export interface StageRollbackStarted {
  type: 'StageRollbackStarted';
  data: { stageName: string; rollbackExecutionId: string; targetExecutionId: string; at: string };
}

export interface PipelineExecutionStopping {
  type: 'PipelineExecutionStopping';
  data: { reason: string; stoppedBy: string; at: string };
}

export interface PipelineExecutionStopped {
  type: 'PipelineExecutionStopped';
  data: { reason: string; abandoned: boolean; stoppedBy: string; at: string };
}

export interface PipelineExecutionSucceeded {
  type: 'PipelineExecutionSucceeded';
  data: { at: string };
}

export interface PipelineExecutionFailed {
  type: 'PipelineExecutionFailed';
  data: { stageName: string; message: string; at: string };
}

export interface PipelineExecutionSuperseded {
  type: 'PipelineExecutionSuperseded';
  data: { stageName: string; supersededBy: string; at: string };
}
