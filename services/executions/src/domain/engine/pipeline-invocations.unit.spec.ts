import type { ActionDeclaration, PipelineDeclaration } from '@sluice/domain';
import type { DefinitionSnapshot } from '@sluice/contracts';
import { invokedExecutionIdFor } from '../derived-ids';
import type { ExecutionState } from '../execution/execution-state';
import { commandsAction, ENTROPY, pipeline, stage, startCommand, T0 } from '../testing/fixtures';
import { Simulation } from '../testing/simulation';
import { invocationsOf, type Invoked } from './pipeline-invocations';
import { nextCommands, nextWakeUp } from './process-manager';

const invoke = (configuration: Record<string, string>): ActionDeclaration => ({
  name: 'CallChild',
  actionTypeId: { category: 'Invoke', owner: 'Sluice', provider: 'Pipeline', version: '1' },
  configuration: { PipelineName: 'child', ...configuration },
});
const parent = (configuration: Record<string, string>) =>
  pipeline([stage('Call', [invoke(configuration)])], { variables: [{ name: 'Greeting', defaultValue: 'hello "there", {world}' }] });
const childDefinition: DefinitionSnapshot = {
  version: 3,
  declaration: { name: 'child', stages: [stage('Build', [commandsAction('Check')])], variables: [{ name: 'Greeting', defaultValue: 'none' }] } as PipelineDeclaration,
};
const childId = invokedExecutionIdFor('e1/Call/CallChild/1');

/** The engine's view of e1, with what its invokes see: the child's state and `target` as the pipeline's definition. */
function view(sim: Simulation, target: DefinitionSnapshot | undefined, child?: ExecutionState) {
  const base = sim.api.view('e1');
  const invoked = new Map<string, Invoked>(invocationsOf(base.execution).map(({ work }) => [work.childExecutionId, { execution: child ?? sim.api.execution(work.childExecutionId), target }]));
  return { ...base, invoked };
}

/** Applies what the process manager proposes for e1 until it proposes nothing new; returns the commands' types. */
function settle(sim: Simulation, target: DefinitionSnapshot | undefined, now = T0): string[] {
  const seen: string[] = [];
  for (let pass = 0; pass < 10; pass += 1) {
    const commands = nextCommands(view(sim, target), now, ENTROPY);
    const applied = commands.filter((command) => sim.api.apply(command).length > 0);
    if (applied.length === 0) break;
    seen.push(...applied.map(({ command }) => command.type));
  }
  return seen;
}

function started(configuration: Record<string, string>, overrides = {}) {
  const sim = new Simulation();
  sim.api.apply({ aggregate: 'execution', command: startCommand('e1', parent(configuration), overrides) });
  return sim;
}

const status = (sim: Simulation, executionId = 'e1') => sim.api.execution(executionId).status;
const summaryOf = (sim: Simulation) => {
  const state = sim.api.execution('e1');
  return state.status === 'Failed' ? state.failure.message : null;
};

describe('Invoke/Sluice/Pipeline in the process manager', () => {
  it('starts the child once, under a derived id, with the resolved variables as data, naming its invoker', () => {
    const sim = started({ Variables: JSON.stringify([{ name: 'Greeting', value: '#{variables.Greeting}' }]), WaitForResult: 'true' });
    expect(settle(sim, childDefinition)).toContain('StartPipelineExecution');
    const child = sim.api.execution(childId);
    if (child.status === 'NotStarted') throw new Error('the child did not start');
    // Quotes and braces in the value stay in the one variable: the JSON was read before the value was put in.
    expect(child.run.inputs.variables).toEqual([{ name: 'Greeting', value: 'hello "there", {world}' }]);
    expect(child.run.inputs.trigger).toEqual({ triggerType: 'PipelineInvoke', triggerDetail: 'web/e1' });
    expect(child.run.inputs.invokedBy).toEqual([{ pipelineName: 'web', executionId: 'e1', stageName: 'Call', actionName: 'CallChild' }]);
    expect(child.run.inputs.pipeline).toEqual({ account: 'acme', name: 'child' });
    // Replayed, retried or proposed by a second engine: the start lands on the same stream and adds nothing.
    const again = nextCommands(view(sim, childDefinition), T0, 'other-entropy');
    expect(again).toEqual([]);
    expect(status(sim)).toBe('InProgress');
  });

  it('waits for the child: its success succeeds the action with its id and status', () => {
    const sim = started({ WaitForResult: 'true' });
    settle(sim, childDefinition);
    const child = sim.api.execution(childId);
    if (child.status === 'NotStarted') throw new Error('the child did not start');
    const commands = nextCommands(view(sim, childDefinition, { status: 'Succeeded', run: child.run, endedAt: T0 }), T0, ENTROPY);
    commands.forEach((command) => sim.api.apply(command));
    expect(status(sim)).toBe('Succeeded');
    const action = sim.api.execution('e1');
    expect(action.status !== 'NotStarted' && action.run.stages[0]!.actions.CallChild).toMatchObject({ status: 'Succeeded', summary: `Execution ${childId} of pipeline "child" succeeded.` });
  });

  it.each([
    ['Failed', { failure: { stageName: 'Build', message: 'Check: exit 3' } }, `Execution ${childId} of pipeline "child" failed: Check: exit 3`],
    ['Stopped', { stop: { reason: 'no', abandoned: true, stoppedBy: 'bob', at: T0 } }, `Execution ${childId} of pipeline "child" ended Stopped.`],
    ['Superseded', { supersededBy: 'x' }, `Execution ${childId} of pipeline "child" ended Superseded.`],
  ])('a child that ends %s fails the action and the parent, naming the child execution', (childStatus, extra, summary) => {
    const sim = started({ WaitForResult: 'true' });
    settle(sim, childDefinition);
    const child = sim.api.execution(childId);
    if (child.status === 'NotStarted') throw new Error('the child did not start');
    const ended = { status: childStatus, run: child.run, endedAt: T0, ...extra } as ExecutionState;
    nextCommands(view(sim, childDefinition, ended), T0, ENTROPY).forEach((command) => sim.api.apply(command));
    expect(status(sim)).toBe('Failed');
    expect(summaryOf(sim)).toContain(summary);
  });

  it('without WaitForResult, succeeds once the child started', () => {
    const sim = started({});
    settle(sim, childDefinition);
    expect(status(sim)).toBe('Succeeded');
    expect(status(sim, childId)).toBe('InProgress');
  });

  it('a waiting invoke wakes the engine at its deadline and then fails as timed out', () => {
    const sim = started({ WaitForResult: 'true' }, {});
    settle(sim, childDefinition);
    const deadline = nextWakeUp(view(sim, childDefinition));
    expect(deadline).toBe('2026-03-08T10:00:00.000Z');
    settle(sim, childDefinition, deadline!);
    expect(summaryOf(sim)).toContain('did not end by the action\'s deadline');
  });

  it.each([
    ['no pipeline of that name in the account', undefined, {}, 'There is no pipeline "child" in account acme.'],
    [
      'a variable the child does not declare',
      childDefinition,
      { Variables: '[{"name":"Nope","value":"x"}]' },
      'Pipeline "child" refused the start: The pipeline declares no variable "Nope" (declared: "Greeting").',
    ],
    ['a revision for no source action', childDefinition, { SourceRevisions: '[{"actionName":"Src","revisionType":"COMMIT_ID","revisionValue":"abc"}]' }, '"Src" is not a source action of the pipeline.'],
  ])('fails the action, with a clear summary, for %s', (_, target, configuration, message) => {
    const sim = started(configuration);
    const proposed = settle(sim, target);
    expect(proposed).not.toContain('StartPipelineExecution');
    expect(status(sim)).toBe('Failed');
    expect(summaryOf(sim)).toContain(message);
  });

  it('stops a loop at run time: a pipeline already in the chain is not started again', () => {
    const chain = [{ pipelineName: 'child', executionId: 'c0', stageName: 'S', actionName: 'A' }];
    const sim = started({}, { invokedBy: chain });
    settle(sim, childDefinition);
    expect(status(sim)).toBe('Failed');
    expect(summaryOf(sim)).toContain('Pipeline "child" is already running in this chain of invocations (child → web → child)');
  });

  it('bounds the depth of a chain of invocations', () => {
    const chain = Array.from({ length: 10 }, (_, index) => ({ pipelineName: `p${index}`, executionId: `x${index}`, stageName: 'S', actionName: 'A' }));
    const sim = started({}, { invokedBy: chain });
    settle(sim, childDefinition);
    expect(summaryOf(sim)).toContain('The chain of invocations is deeper than 10');
  });

  it('an invalid configuration (a definition saved before the checks) fails at start without starting anything', () => {
    const sim = started({ Variables: '{not json' });
    expect(settle(sim, childDefinition)).not.toContain('StartPipelineExecution');
    expect(summaryOf(sim)).toContain('Variables is not JSON');
  });
});
