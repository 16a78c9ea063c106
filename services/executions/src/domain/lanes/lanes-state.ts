import type { ExecutionMode } from '@sluice/domain';
import { assertNever } from '@sluice/domain';
import type { LanesEvent } from '@sluice/contracts';

export interface LanesState {
  nextSequence: number;
  sequences: Record<string, number>;
  stages: Record<string, StageLane>;
  superseded: Record<string, { stageName: string; supersededBy: string; at: string }>;
}

export interface LaneEntry {
  executionId: string;
  sequence: number;
  mode: ExecutionMode;
  since: string;
}

export type TransitionState = { status: 'Enabled' } | { status: 'Disabled'; reason: string; disabledBy: string; at: string };

export interface StageLane {
  /** In a locking mode at most one; PARALLEL executions never lock. */
  occupants: LaneEntry[];
  /** Oldest first. */
  waiting: LaneEntry[];
  transition: TransitionState;
  lastEntered: string | null;
  lastSucceeded: string | null;
}

export const initialLanesState: LanesState = { nextSequence: 1, sequences: {}, stages: {}, superseded: {} };

export const emptyStageLane: StageLane = { occupants: [], waiting: [], transition: { status: 'Enabled' }, lastEntered: null, lastSucceeded: null };

export function laneOf(state: LanesState, stageName: string): StageLane {
  return state.stages[stageName] ?? emptyStageLane;
}

export type LanePosition = 'Occupying' | 'Waiting' | 'Superseded' | 'Absent';

/** Where the lanes have an execution, at one stage. */
export function positionAt(state: LanesState, executionId: string, stageName: string): LanePosition {
  const lane = laneOf(state, stageName);
  if (lane.occupants.some((entry) => entry.executionId === executionId)) return 'Occupying';
  if (lane.waiting.some((entry) => entry.executionId === executionId)) return 'Waiting';
  if (state.superseded[executionId]?.stageName === stageName) return 'Superseded';
  return 'Absent';
}

/** Stages where the execution holds a place (occupies or waits). */
export interface HeldPlace {
  stageName: string;
  position: 'Occupying' | 'Waiting';
}

export function placesHeldBy(state: LanesState, executionId: string): HeldPlace[] {
  return Object.entries(state.stages).flatMap(([stageName, lane]): HeldPlace[] => {
    if (lane.occupants.some((entry) => entry.executionId === executionId)) return [{ stageName, position: 'Occupying' }];
    if (lane.waiting.some((entry) => entry.executionId === executionId)) return [{ stageName, position: 'Waiting' }];
    return [];
  });
}

/** For retryStageExecution: only the execution that entered a stage last may retry it. */
export function latestExecutionInStage(state: LanesState, stageName: string): string | null {
  return laneOf(state, stageName).lastEntered;
}

export function evolveLanes(state: LanesState, event: LanesEvent): LanesState {
  switch (event.type) {
    case 'ExecutionArrivedAtStage': {
      const { executionId, stageName, sequence, mode, at } = event.data;
      const lane = laneOf(state, stageName);
      const waiting = [...lane.waiting, { executionId, sequence, mode, since: at }].sort((a, b) => a.sequence - b.sequence);
      return {
        ...state,
        nextSequence: Math.max(state.nextSequence, sequence + 1),
        // An execution keeps its first arrival's sequence at every later stage. It keeps it itself since decision 0073
        // (keptBy): the record of every execution's sequence grew with the pipeline's history and was copied at each
        // new execution. Arrivals appended before are still recorded, for the executions they belong to.
        sequences: event.data.keptBy === 'execution' || state.sequences[executionId] === sequence ? state.sequences : { ...state.sequences, [executionId]: sequence },
        stages: { ...state.stages, [stageName]: { ...lane, waiting } },
      };
    }
    case 'StageEntryGranted': {
      const { executionId, stageName, at } = event.data;
      const lane = laneOf(state, stageName);
      const entry = lane.waiting.find((waiter) => waiter.executionId === executionId);
      if (!entry) return state;
      return withLane(state, stageName, {
        ...lane,
        waiting: lane.waiting.filter((waiter) => waiter.executionId !== executionId),
        occupants: [...lane.occupants, { ...entry, since: at }],
        lastEntered: executionId,
      });
    }
    case 'WaitingExecutionSuperseded': {
      const { executionId, stageName, supersededBy, at } = event.data;
      const lane = laneOf(state, stageName);
      return {
        ...withLane(state, stageName, { ...lane, waiting: lane.waiting.filter((waiter) => waiter.executionId !== executionId) }),
        superseded: { ...state.superseded, [executionId]: { stageName, supersededBy, at } },
      };
    }
    case 'StageReleased': {
      const { executionId, stageName, outcome } = event.data;
      const lane = laneOf(state, stageName);
      return withLane(state, stageName, {
        ...lane,
        occupants: lane.occupants.filter((entry) => entry.executionId !== executionId),
        lastSucceeded: outcome === 'Succeeded' ? executionId : lane.lastSucceeded,
      });
    }
    case 'StageEntryWithdrawn': {
      const lane = laneOf(state, event.data.stageName);
      return withLane(state, event.data.stageName, { ...lane, waiting: lane.waiting.filter((waiter) => waiter.executionId !== event.data.executionId) });
    }
    case 'InboundTransitionDisabled': {
      const { stageName, reason, disabledBy, at } = event.data;
      return withLane(state, stageName, { ...laneOf(state, stageName), transition: { status: 'Disabled', reason, disabledBy, at } });
    }
    case 'InboundTransitionEnabled':
      return withLane(state, event.data.stageName, { ...laneOf(state, event.data.stageName), transition: { status: 'Enabled' } });
    default:
      return assertNever(event);
  }
}

function withLane(state: LanesState, stageName: string, lane: StageLane): LanesState {
  return { ...state, stages: { ...state.stages, [stageName]: lane } };
}
