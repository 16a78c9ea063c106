import type { ExecutionEvent } from '@sluice/contracts';
import { ConflictError, IllegalStateError } from '../errors';
import type { OverrideStageCondition } from './execution-commands';
import { requireStage, requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import type { ExecutionState } from './execution-state';
import { conditionsOf } from './stage-outcomes';

/**
 * CodePipeline's OverrideStageCondition: the stage goes on as though the condition's rules had passed. A condition
 * can be overridden while its check is in progress, or once it failed the stage (result FAIL) in the execution that
 * last entered the stage: the failed execution is then in progress again, the stage entered again without the entry
 * condition, or succeeded past its success condition. Anything else (a condition the stage does not declare, one that
 * passed, skipped the stage or asked for a rollback) is not overridable.
 */
export function overrideStageCondition(command: OverrideStageCondition, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { declaration, stage } = requireStage(execution, command.stageName);
  const { condition, metadata } = command;
  const notOverridable = (why: string) => new IllegalStateError(`The ${condition} condition of stage '${stage.name}' cannot be overridden in execution '${command.executionId}': ${why}.`, 'CONDITION_NOT_OVERRIDABLE');
  if (conditionsOf(declaration, condition).length === 0) throw notOverridable(`the stage declares no ${condition} condition`);

  const inProgress = execution.status === 'InProgress' && stage.phase.status === 'CheckingCondition' && stage.phase.condition === condition;
  const verdict = stage.conditionVerdict;
  const failedByIt = execution.status === 'Failed' && stage.phase.status === 'Failed' && verdict?.condition === condition && verdict.applied === 'FAIL' && verdict.attempt === stage.attempt;
  if (!inProgress && !failedByIt) throw notOverridable('it is neither being checked nor what failed the stage');
  const latest = command.latestExecutionInStage;
  if (failedByIt && execution.run.inputs.executionMode !== 'PARALLEL' && latest !== null && latest !== command.executionId) {
    throw new ConflictError(`Execution '${latest}' has entered stage '${stage.name}' since: resuming '${command.executionId}' would run older inputs over it.`, 'NOT_LATEST_EXECUTION');
  }
  const { now, actor } = metadata;
  const overridden: ExecutionEvent = { type: 'StageConditionOverridden', data: { stageName: stage.name, attempt: stage.attempt, condition, overriddenBy: actor, at: now } };
  if (condition === 'beforeEntry') return andSettle(execution, [overridden], metadata);
  return andSettle(execution, [overridden, { type: 'StageExecutionSucceeded', data: { stageName: stage.name, attempt: stage.attempt, at: now } }], metadata);
}
