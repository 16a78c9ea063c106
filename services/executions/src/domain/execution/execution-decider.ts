import { overrideStageCondition } from './override-stage-condition';
import { assertNever, type Decider } from '@sluice/domain';
import { completeActionJob } from './action-completion';
import { completeInvokedAction } from './invoke-completion';
import { expireApproval, putApprovalResult } from './approvals';
import type { ExecutionCommand } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { evolveExecution } from './execution-evolve';
import { initialExecutionState, type ExecutionState } from './execution-state';
import { retryStageExecution } from './retry-stage';
import { enterStage, recordStageConditionResult, recordStageRollbackStarted, supersedeExecution } from './stage-entry';
import { rerunStage, startPipelineExecution } from './start-execution';
import { stopPipelineExecution } from './stop-execution';

/** What a decision needs from outside the stream: the past execution a re-run or rollback copies. */
export interface ExecutionContext {
  sourceExecution: ExecutionState | null;
}

export const noExecutionContext: ExecutionContext = { sourceExecution: null };

/** The stream the caller must load into the context before deciding, if any. */
export function sourceExecutionIdOf(command: ExecutionCommand): string | null {
  return command.type === 'RerunStage' ? command.sourceExecutionId : null;
}

export function decideExecution(command: ExecutionCommand, state: ExecutionState, context: ExecutionContext = noExecutionContext): ExecutionEvent[] {
  switch (command.type) {
    case 'StartPipelineExecution':
      return startPipelineExecution(command, state);
    case 'RerunStage':
      return rerunStage(command, state, context.sourceExecution);
    case 'StopPipelineExecution':
      return stopPipelineExecution(command, state);
    case 'RetryStageExecution':
      return retryStageExecution(command, state);
    case 'OverrideStageCondition':
      return overrideStageCondition(command, state);
    case 'PutApprovalResult':
      return putApprovalResult(command, state);
    case 'EnterStage':
      return enterStage(command, state);
    case 'RecordStageConditionResult':
      return recordStageConditionResult(command, state);
    case 'CompleteActionJob':
      return completeActionJob(command, state);
    case 'ExpireApproval':
      return expireApproval(command, state);
    case 'SupersedeExecution':
      return supersedeExecution(command, state);
    case 'RecordStageRollbackStarted':
      return recordStageRollbackStarted(command, state);
    case 'CompleteInvokedAction':
      return completeInvokedAction(command, state);
    default:
      return assertNever(command);
  }
}

export const executionDecider: Decider<ExecutionCommand, ExecutionEvent, ExecutionState, ExecutionContext> = {
  initialState: initialExecutionState,
  decide: decideExecution,
  evolve: evolveExecution,
};
