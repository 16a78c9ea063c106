import type { Condition, ConditionResult, StageDeclaration } from '@sluice/domain';
import { environmentFreezeCondition } from '../freezes/environment-freezes';
import type { ExecutionEvent, ExecutionScope, RuleEvaluation, StageConditionKind } from '@sluice/contracts';
import type { StageRun } from './execution-state';

/** An onFailure RETRY retries the stage once; a second failure is final (CodePipeline's automatic retry). */
export const MAX_AUTOMATIC_RETRIES = 1;

export function conditionsOf(stage: StageDeclaration, kind: StageConditionKind): Condition[] {
  switch (kind) {
    case 'beforeEntry': {
      // A stage that deploys to an environment is also gated by that environment's freezes (environment-freezes.ts).
      const freeze = environmentFreezeCondition(stage);
      return [...(stage.beforeEntry?.conditions ?? []), ...(freeze ? [freeze] : [])];
    }
    case 'onSuccess':
      return stage.onSuccess?.conditions ?? [];
    case 'onFailure':
      return stage.onFailure?.conditions ?? [];
  }
}

/** When several conditions are declared, the first's result applies: the evaluator answers for them together. */
export function declaredResult(stage: StageDeclaration, kind: StageConditionKind): ConditionResult {
  if (kind === 'onFailure') return stage.onFailure?.result ?? 'FAIL';
  return conditionsOf(stage, kind)[0]?.result ?? 'FAIL';
}

export function checkCondition(stage: StageRun, condition: StageConditionKind, now: string): ExecutionEvent {
  return { type: 'StageConditionCheckStarted', data: { stageName: stage.name, attempt: stage.attempt, condition, startedAt: now } };
}

/** The failed (or abandoned) actions of a stage, and a message naming them. */
export function failureOf(stage: StageRun): { failedActions: string[]; message: string } {
  const failed = Object.entries(stage.actions).flatMap(([name, action]) =>
    action.status === 'Failed' ? [{ name, message: action.message }] : action.status === 'Abandoned' ? [{ name, message: 'abandoned' }] : [],
  );
  return {
    failedActions: failed.map((action) => action.name),
    message: failed.map((action) => `action "${action.name}" failed: ${action.message}`).join('; '),
  };
}

export function failStageAndExecution(stage: StageRun, message: string, failedActions: string[], now: string): ExecutionEvent[] {
  return [
    { type: 'StageExecutionFailed', data: { stageName: stage.name, attempt: stage.attempt, failedActions, message, at: now } },
    failExecution(stage.name, message, now),
  ];
}

/** A stage whose actions failed: its onFailure result, checked first against its conditions when it has any. */
export function stageFailed(stage: StageRun, declaration: StageDeclaration, scope: ExecutionScope, now: string): ExecutionEvent[] {
  if (conditionsOf(declaration, 'onFailure').length > 0) return [checkCondition(stage, 'onFailure', now)];
  return applyFailureResult(stage, declaration, declaration.onFailure?.result ?? 'FAIL', scope, now);
}

/**
 * A rollback execution is never rolled back in turn (nor is it by CodePipeline): where its stage would roll back,
 * it fails, one rollback deep. Otherwise a rollback that fails again would start another without end.
 */
export function isRollback(scope: ExecutionScope): boolean {
  return scope.kind === 'SingleStage' && scope.reason === 'Rollback';
}

const NOT_ROLLED_BACK = ' (this execution is itself a rollback: it is not rolled back in turn)';

export function applyFailureResult(stage: StageRun, declaration: StageDeclaration, result: ConditionResult, scope: ExecutionScope, now: string): ExecutionEvent[] {
  const { failedActions, message } = failureOf(stage);
  const failed: ExecutionEvent = {
    type: 'StageExecutionFailed',
    data: { stageName: stage.name, attempt: stage.attempt, failedActions, message, at: now },
  };
  switch (result) {
    case 'RETRY':
      if (stage.automaticRetries >= MAX_AUTOMATIC_RETRIES) return failStageAndExecution(stage, message, failedActions, now);
      return [
        failed,
        {
          type: 'StageRetryRequested',
          data: {
            stageName: stage.name,
            retryMode: declaration.onFailure?.retryConfiguration?.retryMode ?? 'FAILED_ACTIONS',
            automatic: true,
            requestedBy: 'system',
            at: now,
          },
        },
      ];
    case 'ROLLBACK':
      if (isRollback(scope)) return failStageAndExecution(stage, `${message}${NOT_ROLLED_BACK}`, failedActions, now);
      return [failed, { type: 'StageRollbackRequested', data: { stageName: stage.name, attempt: stage.attempt, at: now } }, failExecution(stage.name, message, now)];
    case 'SKIP':
      return [{ type: 'StageExecutionSkipped', data: { stageName: stage.name, attempt: stage.attempt, reason: `onFailure SKIP after: ${message}`, at: now } }];
    case 'FAIL':
      return failStageAndExecution(stage, message, failedActions, now);
  }
}

/** A stage whose actions all succeeded: done, unless an onSuccess condition must be checked first. */
export function stageSucceeded(stage: StageRun, declaration: StageDeclaration, now: string): ExecutionEvent[] {
  if (conditionsOf(declaration, 'onSuccess').length > 0) return [checkCondition(stage, 'onSuccess', now)];
  return [{ type: 'StageExecutionSucceeded', data: { stageName: stage.name, attempt: stage.attempt, at: now } }];
}

/** What follows the condition evaluator's answer. */
export function conditionOutcome(
  stage: StageRun,
  declaration: StageDeclaration,
  condition: StageConditionKind,
  rulesPassed: boolean,
  summary: string | null,
  scope: ExecutionScope,
  now: string,
  rules?: RuleEvaluation[],
): ExecutionEvent[] {
  const applied = outcomeOf(declaration, condition, rulesPassed);
  const evaluated: ExecutionEvent = {
    type: 'StageConditionEvaluated',
    data: { stageName: stage.name, attempt: stage.attempt, condition, rulesPassed, applied, summary, evaluatedAt: now, ...(rules ? { rules } : {}) },
  };
  const because = summary ? `: ${summary}` : '';
  switch (condition) {
    case 'beforeEntry':
      if (applied === 'PROCEED') return [evaluated];
      if (applied === 'SKIP') {
        return [
          evaluated,
          { type: 'StageExecutionSkipped', data: { stageName: stage.name, attempt: stage.attempt, reason: `beforeEntry condition${because}`, at: now } },
        ];
      }
      return [evaluated, ...failStageAndExecution(stage, `The beforeEntry condition failed${because}`, [], now)];
    case 'onSuccess': {
      if (applied === 'PROCEED') return [evaluated, { type: 'StageExecutionSucceeded', data: { stageName: stage.name, attempt: stage.attempt, at: now } }];
      const message = `The onSuccess condition failed${because}`;
      if (applied === 'ROLLBACK' && isRollback(scope)) return [evaluated, ...failStageAndExecution(stage, `${message}${NOT_ROLLED_BACK}`, [], now)];
      if (applied === 'ROLLBACK') {
        return [
          evaluated,
          { type: 'StageExecutionFailed', data: { stageName: stage.name, attempt: stage.attempt, failedActions: [], message, at: now } },
          { type: 'StageRollbackRequested', data: { stageName: stage.name, attempt: stage.attempt, at: now } },
          failExecution(stage.name, message, now),
        ];
      }
      return [evaluated, ...failStageAndExecution(stage, message, [], now)];
    }
    case 'onFailure':
      return [evaluated, ...applyFailureResult(stage, declaration, applied === 'PROCEED' ? 'FAIL' : applied, scope, now)];
  }
}

/**
 * beforeEntry and onSuccess gate: rules that fail apply the declared result. onFailure is the other
 * way round: rules that pass apply its result (RETRY, ROLLBACK, SKIP), rules that fail leave the stage failed.
 */
function outcomeOf(declaration: StageDeclaration, condition: StageConditionKind, rulesPassed: boolean): 'PROCEED' | ConditionResult {
  if (condition === 'onFailure') return rulesPassed ? declaredResult(declaration, condition) : 'FAIL';
  return rulesPassed ? 'PROCEED' : declaredResult(declaration, condition);
}

function failExecution(stageName: string, message: string, now: string): ExecutionEvent {
  return { type: 'PipelineExecutionFailed', data: { stageName, message, at: now } };
}
