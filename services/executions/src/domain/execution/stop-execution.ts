import { ConflictError, IllegalStateError, invalidInput } from '../errors';
import type { StopPipelineExecution } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import { occupiedStage, type StartedExecution, type ExecutionState } from './execution-state';

/** CodePipeline's limit on a stop reason. */
export const STOP_REASON_MAX_LENGTH = 200;

/**
 * Stop and wait: running actions finish, nothing new starts, then the execution is Stopped.
 * Abandon: running actions are abandoned now (their late results are ignored) and it is Stopped at once.
 */
export function stopPipelineExecution(command: StopPipelineExecution, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  if (command.reason.length > STOP_REASON_MAX_LENGTH) {
    throw invalidInput('$.reason', `The reason is ${command.reason.length} characters long; at most ${STOP_REASON_MAX_LENGTH} are allowed.`);
  }
  const { now, actor } = command.metadata;
  switch (execution.status) {
    case 'InProgress':
      if (command.abandon) return abandon(execution, command.reason, actor, now);
      return andSettle(execution, [{ type: 'PipelineExecutionStopping', data: { reason: command.reason, stoppedBy: actor, at: now } }], command.metadata);
    case 'Stopping':
      if (command.abandon) return abandon(execution, command.reason, actor, now);
      throw new ConflictError(`Execution '${command.executionId}' is already stopping; stop it again with abandon to abandon its running actions.`, 'EXECUTION_ALREADY_STOPPING');
    case 'Succeeded':
    case 'Failed':
    case 'Stopped':
    case 'Superseded':
      throw new IllegalStateError(`Execution '${command.executionId}' is ${execution.status} and cannot be stopped.`, 'EXECUTION_NOT_STOPPABLE');
  }
}

function abandon(execution: StartedExecution, reason: string, stoppedBy: string, now: string): ExecutionEvent[] {
  const stage = occupiedStage(execution.run);
  const abandoned: ExecutionEvent[] = stage
    ? Object.entries(stage.actions).flatMap(([actionName, action]): ExecutionEvent[] =>
        action.status === 'InProgress'
          ? [
              {
                type: 'ActionExecutionAbandoned',
                data: { stageName: stage.name, actionName, actionExecutionId: action.started.actionExecutionId, reason, at: now },
              },
            ]
          : [],
      )
    : [];
  const stageStopped: ExecutionEvent[] = stage ? [{ type: 'StageExecutionStopped', data: { stageName: stage.name, attempt: stage.attempt, at: now } }] : [];
  return [...abandoned, ...stageStopped, { type: 'PipelineExecutionStopped', data: { reason, abandoned: true, stoppedBy, at: now } }];
}
