import type { ExecutionEvent } from '@sluice/contracts';
import type { CompleteInvokedAction } from './execution-commands';
import { requireAction, requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import type { ExecutionState } from './execution-state';

/**
 * Ends an Invoke/Sluice/Pipeline action. Only the action's current invocation counts: an outcome for an earlier attempt's
 * execution, for an action no longer in progress, or one applied already changes nothing.
 */
export function completeInvokedAction(command: CompleteInvokedAction, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage } = requireAction(execution, command.stageName, command.actionName);
  const run = stage.actions[command.actionName];
  if (!run || run.status !== 'InProgress' || run.work.kind !== 'Invoke' || run.work.childExecutionId !== command.childExecutionId) return [];
  const base = { stageName: command.stageName, actionName: command.actionName, actionExecutionId: run.started.actionExecutionId, externalExecutionId: command.childExecutionId, finishedAt: command.metadata.now };
  const { outcome } = command;
  const event: ExecutionEvent =
    outcome.status === 'Succeeded'
      ? {
          type: 'ActionExecutionSucceeded',
          data: { ...base, outputArtifacts: [], outputVariables: outcome.outputVariables, summary: outcome.summary, externalExecutionUrl: null, sourceRevision: null },
        }
      : { type: 'ActionExecutionFailed', data: { ...base, errorType: outcome.errorType, message: outcome.message } };
  return andSettle(execution, [event], command.metadata);
}
