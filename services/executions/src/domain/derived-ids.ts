import { nameBasedUuid } from '@sluice/contracts';

/**
 * Ids the engine derives instead of drawing: two engine instances deciding the same step name the same
 * action execution and rollback, so the loser's append conflicts instead of creating a twin (a rollback
 * starts a stream of its own, which no expected revision of the failed execution's stream protects).
 * Neither grants anything: every call naming them checks the caller's account. Jobs and approval tokens,
 * which do grant, are drawn (fresh-ids.ts). Stage and action names never hold '/' (CodePipeline's name
 * rule), so the parts cannot run together.
 */
export function actionExecutionIdFor(executionId: string, stageName: string, actionName: string, attempt: number): string {
  return `${executionId}/${stageName}/${actionName}/${attempt}`;
}

/** A UUID, as every execution id is (CodePipeline's model), named by the failed execution, its stage and attempt. */
export function rollbackExecutionIdFor(executionId: string, stageName: string, attempt: number): string {
  return nameBasedUuid(['rollback', executionId, stageName, attempt]);
}

/**
 * The execution an Invoke/Sluice/Pipeline action starts, named by the action execution: a replay, a retry of the
 * engine step or a second engine start the same one, and the start's client token (the same id) makes it idempotent.
 */
export function invokedExecutionIdFor(actionExecutionId: string): string {
  return nameBasedUuid(['invoke', actionExecutionId]);
}
