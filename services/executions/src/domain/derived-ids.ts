/**
 * Ids the engine derives instead of drawing: two engine instances deciding the same step name the same
 * action execution, job and rollback, so the loser's append conflicts instead of creating a twin.
 * Stage and action names never hold '/' (CodePipeline's name rule), so the parts cannot run together.
 */
export function actionExecutionIdFor(executionId: string, stageName: string, actionName: string, attempt: number): string {
  return `${executionId}/${stageName}/${actionName}/${attempt}`;
}

/** The first job of an action execution bears its id; continuation jobs count on from it. */
export function jobIdFor(actionExecutionId: string, continuation: number): string {
  return continuation === 0 ? actionExecutionId : `${actionExecutionId}+${continuation}`;
}

/** Changes with every attempt, so a result for an earlier approval request cannot approve this one. */
export function approvalTokenFor(actionExecutionId: string): string {
  return `approval:${actionExecutionId}`;
}

export function rollbackExecutionIdFor(executionId: string, stageName: string, attempt: number): string {
  return `${executionId}.rollback.${stageName}.${attempt}`;
}
