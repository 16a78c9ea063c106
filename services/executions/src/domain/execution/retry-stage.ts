import { ConflictError, IllegalStateError } from '../errors';
import type { RetryStageExecution } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { requireStage, requireStarted } from './execution-guards';
import type { ExecutionState } from './execution-state';

/**
 * Retries a failed or stopped stage of this execution with its original inputs: the definition
 * snapshot, variables and pinned source revisions the execution started with.
 * The stage waits for entry again, so the pipeline's lanes decide when it runs.
 */
export function retryStageExecution(command: RetryStageExecution, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage } = requireStage(execution, command.stageName);
  if (execution.status !== 'Failed' && execution.status !== 'Stopped') {
    throw new IllegalStateError(`Execution '${command.executionId}' is ${execution.status}: only a Failed or Stopped execution can be retried.`, 'STAGE_NOT_RETRYABLE');
  }
  if (stage.phase.status !== 'Failed' && stage.phase.status !== 'Stopped') {
    throw new IllegalStateError(`Stage '${command.stageName}' is ${stage.phase.status} in execution '${command.executionId}': there is nothing to retry.`, 'STAGE_NOT_RETRYABLE');
  }
  const latest = command.latestExecutionInStage;
  if (execution.run.inputs.executionMode !== 'PARALLEL' && latest !== null && latest !== command.executionId) {
    throw new ConflictError(`Execution '${latest}' has entered stage '${command.stageName}' since: retrying '${command.executionId}' would run older inputs over it.`, 'NOT_LATEST_EXECUTION');
  }
  return [
    {
      type: 'StageRetryRequested',
      data: { stageName: command.stageName, retryMode: command.retryMode, automatic: false, requestedBy: command.metadata.actor, at: command.metadata.now },
    },
  ];
}
