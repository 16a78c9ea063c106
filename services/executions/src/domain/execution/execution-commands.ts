import type { PipelineDeclaration, StageRetryMode } from '@sluice/domain';
import type { CommandMetadata } from '@sluice/domain';
import type { InvokingExecution, JobFailure, JobSuccess, PipelineRef, RuleEvaluation, StageConditionKind, ExecutionTrigger, SourceRevisionType } from '@sluice/contracts';

/**
 * The metadata of every execution command: `entropy` is fresh randomness (128 bits or more, drawn by the
 * application for each command) from which a decision that starts actions draws their job ids and approval
 * tokens (fresh-ids.ts), so the domain stays deterministic for a given command.
 */
export interface ExecutionCommandMetadata extends CommandMetadata {
  entropy: string;
}

/**
 * Commands of the `execution-{id}` aggregate: from the API (start, stop, retry, approve) and from the
 * engine's process manager. Every one names its execution, so the caller knows which stream to load.
 */
export type ExecutionCommand =
  | StartPipelineExecution
  | RerunStage
  | StopPipelineExecution
  | RetryStageExecution
  | OverrideStageCondition
  | PutApprovalResult
  | EnterStage
  | RecordStageConditionResult
  | CompleteActionJob
  | ExpireApproval
  | SupersedeExecution
  | RecordStageRollbackStarted
  | CompleteInvokedAction;

export interface VariableOverride {
  name: string;
  value: string;
}

export interface SourceRevisionOverride {
  actionName: string;
  revisionType: SourceRevisionType;
  revisionValue: string;
}

/**
 * A manual release change or a trigger's start. With a `clientRequestToken` the service derives the
 * execution id from (account, pipeline, token), so a repeated request lands on the same stream.
 */
export interface StartPipelineExecution {
  type: 'StartPipelineExecution';
  executionId: string;
  pipeline: PipelineRef;
  definition: { version: number; declaration: PipelineDeclaration };
  variables: VariableOverride[];
  sourceRevisions: SourceRevisionOverride[];
  trigger: ExecutionTrigger;
  clientRequestToken: string | null;
  /** An Invoke/Sluice/Pipeline action's start: the chain of invoking executions, nearest last. */
  invokedBy?: InvokingExecution[];
  metadata: ExecutionCommandMetadata;
}

/**
 * Re-run one stage of a past execution with that execution's inputs, as a new execution.
 * `Rollback` (CodePipeline's rollbackStage) needs the stage to have succeeded in the source.
 * The caller loads the source execution (`sourceExecutionId`) into the decision context.
 */
export interface RerunStage {
  type: 'RerunStage';
  executionId: string;
  sourceExecutionId: string;
  stageName: string;
  reason: 'Rerun' | 'Rollback';
  /** True when a stage condition asked for it rather than a person. */
  automatic: boolean;
  clientRequestToken: string | null;
  metadata: ExecutionCommandMetadata;
}

export interface StopPipelineExecution {
  type: 'StopPipelineExecution';
  executionId: string;
  abandon: boolean;
  reason: string;
  metadata: ExecutionCommandMetadata;
}

export interface RetryStageExecution {
  type: 'RetryStageExecution';
  executionId: string;
  stageName: string;
  retryMode: StageRetryMode;
  /** The execution that last entered the stage, read from the pipeline's lanes: only that one may retry it. */
  latestExecutionInStage: string | null;
  metadata: ExecutionCommandMetadata;
}

/** CodePipeline's OverrideStageCondition: let the stage past its beforeEntry or onSuccess condition. */
export interface OverrideStageCondition {
  type: 'OverrideStageCondition';
  executionId: string;
  stageName: string;
  condition: 'beforeEntry' | 'onSuccess';
  /** The execution that last entered the stage, read from the pipeline's lanes: only that one may resume past it. */
  latestExecutionInStage: string | null;
  metadata: ExecutionCommandMetadata;
}

/** `authorized` is the authorization port's answer for `metadata.actor` on this action. */
export interface PutApprovalResult {
  type: 'PutApprovalResult';
  executionId: string;
  stageName: string;
  actionName: string;
  token: string;
  result: { status: 'Approved' | 'Rejected'; summary: string };
  authorized: boolean;
  metadata: ExecutionCommandMetadata;
}

/** Engine: the lanes granted this execution the stage. */
export interface EnterStage {
  type: 'EnterStage';
  executionId: string;
  stageName: string;
  /** The execution's sequence in the lanes' order, from its place there (kept in its StageExecutionStarted). */
  laneSequence?: number;
  metadata: ExecutionCommandMetadata;
}

/** The condition evaluator's answer: did the condition's rules pass? */
export interface RecordStageConditionResult {
  type: 'RecordStageConditionResult';
  executionId: string;
  stageName: string;
  attempt: number;
  condition: StageConditionKind;
  rulesPassed: boolean;
  summary: string | null;
  /** Each rule's verdict, recorded with the condition's (ListRuleExecutions). */
  rules?: RuleEvaluation[];
  metadata: ExecutionCommandMetadata;
}

export type JobOutcome = { status: 'Succeeded'; result: JobSuccess } | { status: 'Failed'; failure: JobFailure } | { status: 'TimedOut' };

/** Engine: a job of this execution ended (its stream says so); applied once, a stale job id is ignored. */
export interface CompleteActionJob {
  type: 'CompleteActionJob';
  executionId: string;
  stageName: string;
  actionName: string;
  jobId: string;
  outcome: JobOutcome;
  metadata: ExecutionCommandMetadata;
}

export interface ExpireApproval {
  type: 'ExpireApproval';
  executionId: string;
  stageName: string;
  actionName: string;
  token: string;
  metadata: ExecutionCommandMetadata;
}

/** Engine: the lanes superseded this execution while it waited to enter `stageName`. */
export interface SupersedeExecution {
  type: 'SupersedeExecution';
  executionId: string;
  stageName: string;
  supersededBy: string;
  metadata: ExecutionCommandMetadata;
}

export interface RecordStageRollbackStarted {
  type: 'RecordStageRollbackStarted';
  executionId: string;
  stageName: string;
  rollbackExecutionId: string;
  targetExecutionId: string;
  metadata: ExecutionCommandMetadata;
}

export type InvokeOutcome =
  | { status: 'Succeeded'; summary: string; outputVariables: Record<string, string> }
  | { status: 'Failed'; errorType: 'InvokeRefused' | 'InvokedExecutionFailed' | 'TimedOut'; message: string };

/** Engine: an Invoke/Sluice/Pipeline action's execution started (not waiting) or ended, or could not be started. */
export interface CompleteInvokedAction {
  type: 'CompleteInvokedAction';
  executionId: string;
  stageName: string;
  actionName: string;
  childExecutionId: string;
  outcome: InvokeOutcome;
  metadata: ExecutionCommandMetadata;
}
