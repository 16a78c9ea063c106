import { assertNever, type Decider } from '@sluice/domain';
import type { DisableInboundTransition, EnableInboundTransition, LanesCommand, ReleaseStage, RequestStageEntry } from './lanes-commands';
import type { LanesEvent } from '@sluice/contracts';
import { evolveLanes, initialLanesState, laneOf, positionAt, type LanesState } from './lanes-state';
import { admissions, supersessions } from './stage-locking';

export function decideLanes(command: LanesCommand, state: LanesState): LanesEvent[] {
  switch (command.type) {
    case 'RequestStageEntry':
      return requestStageEntry(command, state);
    case 'ReleaseStage':
      return releaseStage(command, state);
    case 'DisableInboundTransition':
      return disableInboundTransition(command, state);
    case 'EnableInboundTransition':
      return enableInboundTransition(command, state);
    default:
      return assertNever(command);
  }
}

/** Arrival, then in the same append whatever it causes: older waiters superseded, entry granted. */
function requestStageEntry(command: RequestStageEntry, state: LanesState): LanesEvent[] {
  const { executionId, stageName, mode } = command;
  if (state.superseded[executionId] || positionAt(state, executionId, stageName) !== 'Absent') return [];
  const at = command.metadata.now;
  // The execution brings its sequence once it has one; one that entered a stage before decision 0073 has it here.
  const arrived: LanesEvent = {
    type: 'ExecutionArrivedAtStage',
    data: { executionId, stageName, sequence: command.sequence ?? state.sequences[executionId] ?? state.nextSequence, mode, at, keptBy: 'execution' },
  };
  return withConsequences(state, [arrived], stageName, at);
}

function releaseStage(command: ReleaseStage, state: LanesState): LanesEvent[] {
  const { executionId, stageName, outcome } = command;
  const at = command.metadata.now;
  switch (positionAt(state, executionId, stageName)) {
    case 'Occupying':
      return withConsequences(state, [{ type: 'StageReleased', data: { executionId, stageName, outcome, at } }], stageName, at);
    case 'Waiting':
      return withConsequences(state, [{ type: 'StageEntryWithdrawn', data: { executionId, stageName, at } }], stageName, at);
    case 'Superseded':
    case 'Absent':
      return [];
  }
}

function disableInboundTransition(command: DisableInboundTransition, state: LanesState): LanesEvent[] {
  const transition = laneOf(state, command.stageName).transition;
  if (transition.status === 'Disabled' && transition.reason === command.reason) return [];
  return [
    {
      type: 'InboundTransitionDisabled',
      data: { stageName: command.stageName, reason: command.reason, disabledBy: command.metadata.actor, at: command.metadata.now },
    },
  ];
}

/** Enabling promotes who waits: in SUPERSEDED only the newest still does, the older were superseded on its arrival. */
function enableInboundTransition(command: EnableInboundTransition, state: LanesState): LanesEvent[] {
  if (laneOf(state, command.stageName).transition.status === 'Enabled') return [];
  const at = command.metadata.now;
  const enabled: LanesEvent = { type: 'InboundTransitionEnabled', data: { stageName: command.stageName, enabledBy: command.metadata.actor, at } };
  return withConsequences(state, [enabled], command.stageName, at);
}

function withConsequences(state: LanesState, decided: LanesEvent[], stageName: string, at: string): LanesEvent[] {
  const afterDecided = decided.reduce(evolveLanes, state);
  const superseded = supersessions(laneOf(afterDecided, stageName), stageName, at);
  const afterSuperseded = superseded.reduce(evolveLanes, afterDecided);
  return [...decided, ...superseded, ...admissions(laneOf(afterSuperseded, stageName), stageName, at)];
}

export const lanesDecider: Decider<LanesCommand, LanesEvent, LanesState> = {
  initialState: initialLanesState,
  decide: (command, state) => decideLanes(command, state),
  evolve: evolveLanes,
};
