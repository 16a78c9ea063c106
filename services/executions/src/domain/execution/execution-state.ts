import type { ActionDeclaration, ConditionResult, StageDeclaration, StageRetryMode } from '@sluice/domain';
import type { ActionErrorType, ActionExecutionStarted, ActionWork, StageConditionKind, ArtifactRef, ExecutionInputs, SourceRevision } from '@sluice/contracts';

/** One execution, keyed on CodePipeline's execution statuses. */
export type ExecutionState =
  | { status: 'NotStarted' }
  | { status: 'InProgress'; run: ExecutionRun }
  | { status: 'Stopping'; run: ExecutionRun; stop: { reason: string; stoppedBy: string; at: string } }
  | { status: 'Stopped'; run: ExecutionRun; stop: { reason: string; abandoned: boolean; stoppedBy: string; at: string } }
  | { status: 'Succeeded'; run: ExecutionRun; endedAt: string }
  | { status: 'Failed'; run: ExecutionRun; failure: { stageName: string; message: string }; endedAt: string }
  | { status: 'Superseded'; run: ExecutionRun; supersededBy: string; endedAt: string };

export type ExecutionStatus = ExecutionState['status'];
export type StartedExecution = Exclude<ExecutionState, { status: 'NotStarted' }>;
export type ActiveExecution = Extract<ExecutionState, { status: 'InProgress' | 'Stopping' }>;

export interface ExecutionRun {
  executionId: string;
  inputs: ExecutionInputs;
  startedBy: string;
  startedAt: string;
  lastUpdatedAt: string;
  /** In declaration order. */
  stages: StageRun[];
  /** The latest version of each artifact, by name. */
  artifacts: Record<string, ArtifactRef>;
  /** Output variables by action namespace. */
  namespaces: Record<string, Record<string, string>>;
  /** Pinned source revisions by source action name: from the start, then as fetched. */
  sourceRevisions: Record<string, SourceRevision>;
  /** Its place in the pipeline's order, given by the lanes at its first arrival (decision 0073): brought to every later arrival. */
  laneSequence?: number;
}

export interface StageRun {
  name: string;
  /** Entries so far; 0 before the first. */
  attempt: number;
  automaticRetries: number;
  actions: Record<string, ActionRun>;
  phase: StagePhase;
  rollback: StageRollback;
  /** The last condition verdict of the stage, with the attempt it was for: what OverrideStageCondition may override. */
  conditionVerdict: { condition: StageConditionKind; applied: 'PROCEED' | ConditionResult; attempt: number } | null;
  /** Conditions a person overrode in this execution: the stage is not gated by them again. */
  overridden: Array<'beforeEntry' | 'onSuccess'>;
}

export type StagePhase =
  | { status: 'NotStarted' }
  /** Waiting for the pipeline's lanes to let it in (a locked stage, a disabled transition, its turn). */
  | { status: 'AwaitingEntry'; retryMode: StageRetryMode | null; since: string }
  | { status: 'CheckingCondition'; condition: StageConditionKind; since: string }
  | { status: 'InProgress'; since: string }
  | { status: 'Succeeded'; endedAt: string }
  | { status: 'Failed'; message: string; endedAt: string }
  | { status: 'Skipped'; reason: string; endedAt: string }
  | { status: 'Stopped'; endedAt: string };

export type StageRollback =
  | { status: 'None' }
  | { status: 'Requested'; at: string }
  | { status: 'Started'; rollbackExecutionId: string; targetExecutionId: string };

export type ActionStarted = ActionExecutionStarted['data'];

export type ActionRun =
  | { status: 'NotStarted' }
  | { status: 'InProgress'; started: ActionStarted; work: ActionWork; continuations: number }
  | { status: 'Succeeded'; started: ActionStarted; finishedAt: string; summary: string | null }
  | { status: 'Failed'; started: ActionStarted; errorType: ActionErrorType; message: string; finishedAt: string }
  | { status: 'Abandoned'; started: ActionStarted; work: ActionWork; at: string };

export const initialExecutionState: ExecutionState = { status: 'NotStarted' };

export function isActive(state: ExecutionState): state is ActiveExecution {
  return state.status === 'InProgress' || state.status === 'Stopping';
}

export function isTerminal(state: ExecutionState): boolean {
  return state.status === 'Succeeded' || state.status === 'Failed' || state.status === 'Stopped' || state.status === 'Superseded';
}

export function findStageDeclaration(run: ExecutionRun, stageName: string): StageDeclaration | undefined {
  return run.inputs.definition.declaration.stages.find((stage) => stage.name === stageName);
}

export function findStageRun(run: ExecutionRun, stageName: string): StageRun | undefined {
  return run.stages.find((stage) => stage.name === stageName);
}

export function runOrderOf(action: ActionDeclaration): number {
  return action.runOrder ?? 1;
}

/** Stages this execution runs: all of them, or the one stage of a re-run. */
export function stagesInScope(run: ExecutionRun): StageRun[] {
  const scope = run.inputs.scope;
  return scope.kind === 'AllStages' ? run.stages : run.stages.filter((stage) => stage.name === scope.stageName);
}

export function stageAwaitingEntry(run: ExecutionRun): StageRun | undefined {
  return run.stages.find((stage) => stage.phase.status === 'AwaitingEntry');
}

/** The stage the execution holds: entered and not yet finished (running actions or checking a condition). */
export function occupiedStage(run: ExecutionRun): StageRun | undefined {
  return run.stages.find((stage) => stage.phase.status === 'InProgress' || stage.phase.status === 'CheckingCondition');
}
