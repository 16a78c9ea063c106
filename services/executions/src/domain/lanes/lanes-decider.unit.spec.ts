import type { ExecutionMode } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { metadataAt, pipelineRef, T0 } from '../testing/fixtures';
import type { LanesCommand } from './lanes-commands';
import { lanesDecider } from './lanes-decider';
import type { LanesEvent } from '@sluice/contracts';
import { latestExecutionInStage, positionAt } from './lanes-state';

const given = deciderSpec(lanesDecider, undefined);
const m = metadataAt(T0);
const request = (executionId: string, mode: ExecutionMode = 'SUPERSEDED', stageName = 'Deploy'): LanesCommand => ({ type: 'RequestStageEntry', pipeline: pipelineRef, executionId, stageName, mode, metadata: m });
const release = (executionId: string, stageName = 'Deploy'): LanesCommand => ({ type: 'ReleaseStage', pipeline: pipelineRef, executionId, stageName, outcome: 'Succeeded', metadata: m });
const disable: LanesCommand = { type: 'DisableInboundTransition', pipeline: pipelineRef, stageName: 'Deploy', reason: 'freeze', metadata: m };
const enable: LanesCommand = { type: 'EnableInboundTransition', pipeline: pipelineRef, stageName: 'Deploy', metadata: m };
const arrived = (executionId: string, sequence: number, mode: ExecutionMode = 'SUPERSEDED', stageName = 'Deploy'): LanesEvent => ({
  type: 'ExecutionArrivedAtStage',
  data: { executionId, stageName, sequence, mode, at: T0, keptBy: 'execution' },
});
/** An arrival as appended before decision 0073: the lanes recorded the execution's sequence. */
const arrivedRecorded = (executionId: string, sequence: number, stageName = 'Deploy'): LanesEvent => ({
  type: 'ExecutionArrivedAtStage',
  data: { executionId, stageName, sequence, mode: 'SUPERSEDED', at: T0 },
});
const requestWith = (executionId: string, sequence: number): LanesCommand => ({ ...(request(executionId) as Extract<LanesCommand, { type: 'RequestStageEntry' }>), sequence });
const granted = (executionId: string): LanesEvent => ({ type: 'StageEntryGranted', data: { executionId, stageName: 'Deploy', at: T0 } });
const superseded = (executionId: string, by: string): LanesEvent => ({ type: 'WaitingExecutionSuperseded', data: { executionId, stageName: 'Deploy', supersededBy: by, at: T0 } });
const released = (executionId: string): LanesEvent => ({ type: 'StageReleased', data: { executionId, stageName: 'Deploy', outcome: 'Succeeded', at: T0 } });
const disabled: LanesEvent = { type: 'InboundTransitionDisabled', data: { stageName: 'Deploy', reason: 'freeze', disabledBy: 'alice', at: T0 } };
const enabledEvent: LanesEvent = { type: 'InboundTransitionEnabled', data: { stageName: 'Deploy', enabledBy: 'alice', at: T0 } };

describe('lanes: stage locking per mode', () => {
  const cases: Array<[string, LanesEvent[], LanesCommand, LanesEvent[]]> = [
    ['a free stage: entry granted in the same append', [], request('e1'), [arrived('e1', 1), granted('e1')]],
    ['SUPERSEDED, locked stage: the arrival waits', [arrived('e1', 1), granted('e1')], request('e2'), [arrived('e2', 2)]],
    [
      'SUPERSEDED: a newer arrival supersedes the older waiter',
      [arrived('e1', 1), granted('e1'), arrived('e2', 2)],
      request('e3'),
      [arrived('e3', 3), superseded('e2', 'e3')],
    ],
    ['QUEUED: arrivals queue, nobody is superseded', [arrived('e1', 1, 'QUEUED'), granted('e1'), arrived('e2', 2, 'QUEUED')], request('e3', 'QUEUED'), [arrived('e3', 3, 'QUEUED')]],
    [
      'QUEUED: a release admits the oldest waiter',
      [arrived('e1', 1, 'QUEUED'), granted('e1'), arrived('e2', 2, 'QUEUED'), arrived('e3', 3, 'QUEUED')],
      release('e1'),
      [released('e1'), granted('e2')],
    ],
    ['PARALLEL: no lock, entry granted beside the others', [arrived('e1', 1, 'PARALLEL'), granted('e1')], request('e2', 'PARALLEL'), [arrived('e2', 2, 'PARALLEL'), granted('e2')]],
    ['a disabled transition holds the arrival', [disabled], request('e1'), [arrived('e1', 1)]],
    ['SUPERSEDED behind a disabled transition: only the newest is held', [disabled, arrived('e1', 1)], request('e2'), [arrived('e2', 2), superseded('e1', 'e2')]],
    ['enabling promotes the held execution', [disabled, arrived('e1', 1), arrived('e2', 2), superseded('e1', 'e2')], enable, [enabledEvent, granted('e2')]],
    [
      'QUEUED: enabling admits the oldest held, the rest keep waiting',
      [disabled, arrived('e1', 1, 'QUEUED'), arrived('e2', 2, 'QUEUED')],
      enable,
      [enabledEvent, granted('e1')],
    ],
    ['disabling', [], disable, [disabled]],
    [
      'an execution brings its sequence from its first arrival to a later stage',
      [arrived('e1', 1, 'SUPERSEDED', 'Build'), arrived('e2', 2), granted('e2')],
      requestWith('e1', 1),
      [arrived('e1', 1)],
    ],
    [
      'an execution that first arrived before the executions kept their sequence keeps the one the lanes recorded',
      [arrivedRecorded('e1', 1, 'Build'), arrived('e2', 2), granted('e2')],
      request('e1'),
      [arrived('e1', 1)],
    ],
    [
      'SUPERSEDED: an older execution arriving again (a retry) keeps its place, so the newer waiter supersedes it, not the reverse',
      [arrived('e2', 2), granted('e2'), arrived('e3', 3)],
      requestWith('e1', 1),
      [arrived('e1', 1), superseded('e1', 'e3')],
    ],
    ['a waiter that ended withdraws', [arrived('e1', 1), granted('e1'), arrived('e2', 2)], release('e2'), [{ type: 'StageEntryWithdrawn', data: { executionId: 'e2', stageName: 'Deploy', at: T0 } }]],
  ];
  it.each(cases)('%s', (_, events, command, expected) => {
    given(events).when(command).then(expected);
  });

  const idempotent: Array<[string, LanesEvent[], LanesCommand]> = [
    ['a repeated request while waiting', [arrived('e1', 1), granted('e1'), arrived('e2', 2)], request('e2')],
    ['a repeated request while inside', [arrived('e1', 1), granted('e1')], request('e1')],
    ['a request from a superseded execution', [arrived('e1', 1), granted('e1'), arrived('e2', 2), arrived('e3', 3), superseded('e2', 'e3')], request('e2')],
    ['a release by an execution not there', [arrived('e1', 1), granted('e1')], release('e9')],
    ['a repeated release', [arrived('e1', 1), granted('e1'), released('e1')], release('e1')],
    ['enabling an enabled transition', [], enable],
    ['disabling again for the same reason', [disabled], disable],
  ];
  it.each(idempotent)('nothing happens on %s', (_, events, command) => {
    given(events).when(command).thenNothingHappened();
  });

  it('records the sequence only of arrivals appended before the executions kept their own: its state does not grow with the history', () => {
    const history = Array.from({ length: 50 }, (_, i) => [arrived(`e${i}`, i + 1), granted(`e${i}`), released(`e${i}`)]).flat();
    const state = history.reduce(lanesDecider.evolve, lanesDecider.initialState);
    expect(state.sequences).toEqual({});
    expect(state.nextSequence).toBe(51);
    const before = [arrivedRecorded('old', 1, 'Build'), ...history].reduce(lanesDecider.evolve, lanesDecider.initialState);
    expect(before.sequences).toEqual({ old: 1 });
  });

  it('knows where an execution is and who entered a stage last', () => {
    const state = [arrived('e1', 1), granted('e1'), arrived('e2', 2), arrived('e3', 3), superseded('e2', 'e3')].reduce(lanesDecider.evolve, lanesDecider.initialState);
    expect(['e1', 'e2', 'e3', 'e4'].map((id) => positionAt(state, id, 'Deploy'))).toEqual(['Occupying', 'Superseded', 'Waiting', 'Absent']);
    expect(latestExecutionInStage(state, 'Deploy')).toBe('e1');
  });
});
