import type { ActionDeclaration, StageDeclaration } from '@sluice/domain';
import { NotFoundError } from '../errors';
import type { ExecutionState, StageRun, StartedExecution } from './execution-state';
import { findStageDeclaration, findStageRun } from './execution-state';

export function requireStarted(state: ExecutionState, executionId: string): StartedExecution {
  if (state.status === 'NotStarted') throw new NotFoundError('execution', executionId);
  return state;
}

export function requireStage(state: StartedExecution, stageName: string): { declaration: StageDeclaration; stage: StageRun } {
  const declaration = findStageDeclaration(state.run, stageName);
  const stage = findStageRun(state.run, stageName);
  if (!declaration || !stage) {
    throw new NotFoundError('stage', stageName, `Execution '${state.run.executionId}' has no stage '${stageName}'.`);
  }
  return { declaration, stage };
}

export function requireAction(state: StartedExecution, stageName: string, actionName: string): { stage: StageRun; action: ActionDeclaration } {
  const { declaration, stage } = requireStage(state, stageName);
  const action = declaration.actions.find((candidate) => candidate.name === actionName);
  if (!action) throw new NotFoundError('action', actionName, `Stage '${stageName}' has no action '${actionName}'.`);
  return { stage, action };
}
