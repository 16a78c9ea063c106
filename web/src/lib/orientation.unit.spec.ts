import { describe, expect, it } from '@jest/globals';
import type { ActionExecutionDetail, ExecutionSummary, PipelineDefinition, StageState } from './api';
import { orientStages, stageStatesOfExecution, waitingPlace } from './orientation';

const action = (name: string, category = 'Build') => ({ name, actionTypeId: { category, owner: 'Sluice', provider: 'Commands', version: '1' } });
const definition: PipelineDefinition = {
  name: 'web',
  stages: [
    { name: 'Source', actions: [action('Git', 'Source')] },
    { name: 'Build', actions: [action('Compile')] },
    { name: 'Deploy', actions: [action('Release', 'Deploy')] },
  ],
};

const execution = (id: string, status: string, revisionId = `rev-${id}`): ExecutionSummary => ({
  pipelineExecutionId: id,
  status,
  statusSummary: null,
  startTime: '2026-01-01T00:00:00Z',
  lastUpdateTime: '2026-01-01T00:00:00Z',
  trigger: { triggerType: 'StartPipelineExecution', triggerDetail: '' },
  executionType: 'STANDARD',
  sourceRevisions: [{ actionName: 'Git', revisionId, revisionSummary: null, revisionUrl: null }],
});

let counter = 0;
const detail = (executionId: string, stageName: string, actionName: string, status: string, attempt = 1): ActionExecutionDetail => ({
  pipelineExecutionId: executionId,
  actionExecutionId: `a${++counter}`,
  stageName,
  actionName,
  attempt,
  runOrder: 1,
  status,
  startTime: '2026-01-01T00:00:00Z',
  lastUpdateTime: '2026-01-01T00:00:01Z',
  durationMs: 1000,
  updatedBy: null,
  output: { executionResult: { externalExecutionSummary: `${actionName} ${status}`, errorDetails: status === 'Failed' ? 'exit 1' : null } },
});

const state = (stageName: string, latest?: [string, string], enabled = true): StageState => ({
  stageName,
  inboundTransitionState: { enabled, disabledReason: enabled ? null : 'freeze', lastChangedBy: null, lastChangedAt: null },
  latestExecution: latest ? { pipelineExecutionId: latest[0], status: latest[1] } : null,
  actionStates: [],
});

describe('which execution each stage shows, and who waits before it', () => {
  it('names the execution of each stage and marks those left by an earlier run than the newest', () => {
    const states = [state('Source', ['new', 'Succeeded']), state('Build', ['new', 'Failed']), state('Deploy', ['old', 'Succeeded'])];
    const oriented = orientStages(definition, states, [execution('new', 'Failed'), execution('old', 'Succeeded')], []);
    expect(oriented.get('Build')).toEqual({ pipelineExecutionId: 'new', revisionId: 'rev-new', fromEarlierRun: false, waiting: [] });
    expect(oriented.get('Deploy')).toEqual({ pipelineExecutionId: 'old', revisionId: 'rev-old', fromEarlierRun: true, waiting: [] });
  });

  it('says a run that finished a stage waits for the lock of the next one, held by another running execution', () => {
    const states = [state('Source', ['second', 'Succeeded']), state('Build', ['first', 'InProgress']), state('Deploy')];
    const details = [detail('first', 'Source', 'Git', 'Succeeded'), detail('first', 'Build', 'Compile', 'InProgress'), detail('second', 'Source', 'Git', 'Succeeded')];
    const executions = [execution('second', 'InProgress'), execution('first', 'InProgress')];
    expect(waitingPlace(definition, states, details, executions[0]!)).toEqual({ stageName: 'Build', reason: 'lock' });
    expect(waitingPlace(definition, states, details, executions[1]!)).toBeUndefined();
    expect(orientStages(definition, states, executions, details).get('Build')?.waiting).toEqual([{ pipelineExecutionId: 'second', reason: 'lock' }]);
  });

  it('says a run is held by a disabled transition, and that a run between stages for no reason waits for nothing', () => {
    const details = [detail('run', 'Source', 'Git', 'Succeeded'), detail('run', 'Build', 'Compile', 'Failed'), detail('run', 'Build', 'Compile', 'Succeeded', 2)];
    const held = [state('Source', ['run', 'Succeeded']), state('Build', ['run', 'Succeeded']), state('Deploy', undefined, false)];
    expect(waitingPlace(definition, held, details, execution('run', 'InProgress'))).toEqual({ stageName: 'Deploy', reason: 'transition' });
    const open = [state('Source', ['run', 'Succeeded']), state('Build', ['run', 'Succeeded']), state('Deploy')];
    expect(waitingPlace(definition, open, details, execution('run', 'InProgress'))).toBeUndefined();
    // A finished execution waits for nothing, whatever the transitions.
    expect(waitingPlace(definition, held, details, execution('run', 'Succeeded'))).toBeUndefined();
  });

  it('draws one execution in every stage for the selector, its latest attempts, nothing where it did not go', () => {
    const details = [detail('one', 'Source', 'Git', 'Succeeded'), detail('one', 'Build', 'Compile', 'Failed'), detail('two', 'Build', 'Compile', 'Succeeded')];
    const states = stageStatesOfExecution(definition, [state('Source', ['two', 'Succeeded']), state('Build', ['two', 'Succeeded']), state('Deploy')], details, 'one');
    expect(states.map((s) => [s.stageName, s.latestExecution?.status ?? null, s.actionStates[0]?.latestExecution?.status ?? null])).toEqual([
      ['Source', 'Succeeded', 'Succeeded'],
      ['Build', 'Failed', 'Failed'],
      ['Deploy', null, null],
    ]);
    expect(states[1]!.actionStates[0]!.latestExecution).toMatchObject({ pipelineExecutionId: 'one', summary: 'Compile Failed', errorDetails: 'exit 1', token: null });
  });
});
