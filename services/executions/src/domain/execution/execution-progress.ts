import { fold } from '@sluice/domain';
import { startAction } from './action-start';
import type { ExecutionCommandMetadata } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { evolveExecution } from './execution-evolve';
import {
  findStageDeclaration,
  initialExecutionState,
  isActive,
  occupiedStage,
  runOrderOf,
  stagesInScope,
  type ActiveExecution,
  type ExecutionState,
  type StageRun,
} from './execution-state';
import { stageFailed, stageSucceeded } from './stage-outcomes';

/** What settling needs of the command: its instant, and its randomness for the ids of actions it starts. */
export type SettleMetadata = Pick<ExecutionCommandMetadata, 'now' | 'entropy'>;

/**
 * What follows, inside one execution, from the facts just decided: the next runOrder starts, a stage
 * finishes, the execution finishes or stops. Decided in the same append as the fact that caused it,
 * so no reader ever sees a finished runOrder whose successor has not started.
 * Crossing to another aggregate (entering a stage, creating a job) is the process manager's part.
 */
export function settle(state: ExecutionState, metadata: SettleMetadata): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  let current = state;
  for (;;) {
    const next = nextStep(current, metadata);
    if (next.length === 0) return events;
    events.push(...next);
    current = next.reduce(evolveExecution, current);
  }
}

/** Decided events followed by what settles from them. */
export function andSettle(state: ExecutionState, decided: ExecutionEvent[], metadata: SettleMetadata): ExecutionEvent[] {
  if (decided.length === 0) return decided;
  return [...decided, ...settle(decided.reduce(evolveExecution, state), metadata)];
}

export function foldExecution(events: readonly ExecutionEvent[]): ExecutionState {
  return fold({ initialState: initialExecutionState, evolve: evolveExecution }, events);
}

function nextStep(state: ExecutionState, metadata: SettleMetadata): ExecutionEvent[] {
  const now = metadata.now;
  if (!isActive(state)) return [];
  const stage = occupiedStage(state.run);
  if (!stage) {
    if (state.status === 'Stopping') return [stopped(state, now)];
    const done = stagesInScope(state.run).every((scoped) => scoped.phase.status === 'Succeeded' || scoped.phase.status === 'Skipped');
    return done ? [{ type: 'PipelineExecutionSucceeded', data: { at: now } }] : [];
  }
  if (stage.phase.status === 'CheckingCondition') {
    return state.status === 'Stopping' ? [stageStopped(stage, now), stopped(state, now)] : [];
  }
  return stepInStage(state, stage, metadata);
}

function stepInStage(state: ActiveExecution, stage: StageRun, metadata: SettleMetadata): ExecutionEvent[] {
  const now = metadata.now;
  const declaration = findStageDeclaration(state.run, stage.name);
  if (!declaration) return [];
  const actions = Object.values(stage.actions);
  // A failed action fails its stage only once the other actions of its runOrder have ended.
  if (actions.some((action) => action.status === 'InProgress')) return [];
  const failed = actions.some((action) => action.status === 'Failed' || action.status === 'Abandoned');
  const allSucceeded = actions.every((action) => action.status === 'Succeeded');
  if (state.status === 'Stopping') {
    const stageEnd: ExecutionEvent = allSucceeded
      ? { type: 'StageExecutionSucceeded', data: { stageName: stage.name, attempt: stage.attempt, at: now } }
      : stageStopped(stage, now);
    return [stageEnd, stopped(state, now)];
  }
  if (failed) return stageFailed(stage, declaration, state.run.inputs.scope, now);
  if (allSucceeded) return stageSucceeded(stage, declaration, now);
  const pending = declaration.actions.filter((action) => stage.actions[action.name]?.status === 'NotStarted');
  const nextRunOrder = Math.min(...pending.map(runOrderOf));
  return pending
    .filter((action) => runOrderOf(action) === nextRunOrder)
    .flatMap((action) => startAction(state.run, declaration, stage.attempt, action, metadata));
}

function stageStopped(stage: StageRun, now: string): ExecutionEvent {
  return { type: 'StageExecutionStopped', data: { stageName: stage.name, attempt: stage.attempt, at: now } };
}

function stopped(state: ActiveExecution, now: string): ExecutionEvent {
  const stop = state.status === 'Stopping' ? state.stop : { reason: '', stoppedBy: 'system' };
  return { type: 'PipelineExecutionStopped', data: { reason: stop.reason, abandoned: false, stoppedBy: stop.stoppedBy, at: now } };
}
