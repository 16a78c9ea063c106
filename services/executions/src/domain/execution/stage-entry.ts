import type { EnterStage, RecordStageConditionResult, RecordStageRollbackStarted, SupersedeExecution } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { requireStage, requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import type { ExecutionState } from './execution-state';
import { checkCondition, conditionOutcome, conditionsOf } from './stage-outcomes';

/**
 * Engine: the lanes let the execution in. A stage that is not waiting for entry (entered already, or
 * the execution stopped meanwhile) changes nothing, so a repeated grant is harmless.
 */
export function enterStage(command: EnterStage, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { declaration, stage } = requireStage(execution, command.stageName);
  if (execution.status !== 'InProgress' || stage.phase.status !== 'AwaitingEntry') return [];
  const now = command.metadata.now;
  const entered: ExecutionEvent = {
    type: 'StageExecutionStarted',
    data: { stageName: stage.name, attempt: stage.attempt + 1, retryMode: stage.phase.retryMode, startedAt: now, ...(command.laneSequence === undefined ? {} : { laneSequence: command.laneSequence }) },
  };
  // An entry condition a person overrode in this execution does not gate the stage again.
  const gated = conditionsOf(declaration, 'beforeEntry').length > 0 && !stage.overridden.includes('beforeEntry');
  const gate = gated ? [checkCondition({ ...stage, attempt: stage.attempt + 1 }, 'beforeEntry', now)] : [];
  return andSettle(execution, [entered, ...gate], command.metadata);
}

/** The condition evaluator's answer; one for another attempt or condition than the one pending is stale. */
export function recordStageConditionResult(command: RecordStageConditionResult, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { declaration, stage } = requireStage(execution, command.stageName);
  const pending = stage.phase.status === 'CheckingCondition' && stage.phase.condition === command.condition && stage.attempt === command.attempt;
  if (execution.status !== 'InProgress' || !pending) return [];
  const now = command.metadata.now;
  return andSettle(execution, conditionOutcome(stage, declaration, command.condition, command.rulesPassed, command.summary, execution.run.inputs.scope, now, command.rules), command.metadata);
}

/** Engine: superseded while waiting between stages. An execution that has moved on or ended is not. */
export function supersedeExecution(command: SupersedeExecution, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage } = requireStage(execution, command.stageName);
  if (execution.status !== 'InProgress' || stage.phase.status !== 'AwaitingEntry') return [];
  return [
    { type: 'PipelineExecutionSuperseded', data: { stageName: command.stageName, supersededBy: command.supersededBy, at: command.metadata.now } },
  ];
}

export function recordStageRollbackStarted(command: RecordStageRollbackStarted, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage } = requireStage(execution, command.stageName);
  if (stage.rollback.status !== 'Requested') return [];
  const { rollbackExecutionId, targetExecutionId } = command;
  return [{ type: 'StageRollbackStarted', data: { stageName: command.stageName, rollbackExecutionId, targetExecutionId, at: command.metadata.now } }];
}
