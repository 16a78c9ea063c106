import { ValidationError } from '@sluice/domain';
import type { JobSpec } from '@sluice/contracts';
import { approvalAction, commandsAction, metadataAt, pipeline, pipelineRef, sourceAction, stage } from '../testing/fixtures';
import { Simulation } from '../testing/simulation';
import { evolveActionExecutions, initialActionExecutionsView } from './action-executions';
import { listPipelineExecutions, summaryOf } from './execution-summary';
import { evolvePipelineState, initialPipelineState, type PipelineStateView } from './pipeline-state';

const declaration = pipeline([
  stage('Build', [commandsAction('Compile', 1, { configuration: { Target: '#{variables.TARGET}' } })]),
  stage('Gate', [approvalAction()]),
]);
declaration.variables = [{ name: 'TARGET', defaultValue: 'staging' }];

function pipelineStateOf(sim: Simulation): PipelineStateView {
  const fromExecutions = sim.executionIds().flatMap((executionId) => sim.executionEvents(executionId).map((event) => ({ stream: 'execution' as const, executionId, event })));
  const fromLanes = sim.lanesEvents().map((event) => ({ stream: 'lanes' as const, event }));
  return [...fromLanes, ...fromExecutions].reduce(evolvePipelineState, initialPipelineState);
}

/** The token the execution's Gate/Approve request was given (drawn, so read from the execution). */
function approvalTokenOf(sim: Simulation): string {
  const execution = sim.execution('e1');
  const action = execution.status === 'NotStarted' ? undefined : execution.run.stages.find((stage) => stage.name === 'Gate')?.actions['Approve'];
  if (!action || action.status !== 'InProgress' || action.work.kind !== 'Approval') throw new Error('no approval waiting');
  return action.work.token;
}

describe('read models', () => {
  it('getPipelineState: per stage the latest execution, the inbound transition, the action states with their token', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', result: { executionSummary: 'built', externalExecutionUrl: 'https://ci/1' } }) });
    sim.api.apply({ aggregate: 'lanes', command: { type: 'DisableInboundTransition', pipeline: pipelineRef, stageName: 'Gate', reason: 'freeze', metadata: metadataAt(sim.now(), 'bob') } });
    sim.api.apply({ aggregate: 'lanes', command: { type: 'EnableInboundTransition', pipeline: pipelineRef, stageName: 'Gate', metadata: metadataAt(sim.now(), 'bob') } });
    sim.start(declaration);
    sim.run();
    expect(pipelineStateOf(sim)).toMatchObject({
      pipelineName: 'web',
      pipelineVersion: 1,
      stageStates: [
        {
          stageName: 'Build',
          inboundTransitionState: { enabled: true },
          latestExecution: { pipelineExecutionId: 'e1', status: 'Succeeded' },
          actionStates: [{ actionName: 'Compile', latestExecution: { status: 'Succeeded', summary: 'built', externalExecutionUrl: 'https://ci/1' } }],
        },
        {
          stageName: 'Gate',
          inboundTransitionState: { enabled: true, lastChangedBy: 'bob' },
          latestExecution: { pipelineExecutionId: 'e1', status: 'InProgress' },
          actionStates: [{ actionName: 'Approve', latestExecution: { status: 'InProgress', token: approvalTokenOf(sim) } }],
        },
      ],
    });
    expect(approvalTokenOf(sim)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('listActionExecutions: declared and resolved configuration, outputs, timings', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 1_500, result: { outputVariables: { TAG: 'v1' } } }) });
    sim.start(declaration);
    sim.run();
    const view = sim.executionEvents('e1').reduce(evolveActionExecutions, initialActionExecutionsView);
    expect(view.details[0]).toMatchObject({
      pipelineExecutionId: 'e1',
      actionExecutionId: 'e1/Build/Compile/1',
      status: 'Succeeded',
      durationMs: 1_500,
      input: { configuration: { Target: '#{variables.TARGET}' }, resolvedConfiguration: { Target: 'staging' } },
      output: { outputVariables: { TAG: 'v1' } },
    });
  });

  it('listActionExecutions: who answered an approval (updatedBy) and the comment, with its newlines; null for other actions', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed' }) });
    sim.start(declaration);
    sim.run();
    const waiting = sim.executionEvents('e1').reduce(evolveActionExecutions, initialActionExecutionsView);
    expect(waiting.details.map((d) => [d.actionName, d.status, d.updatedBy])).toEqual([['Compile', 'Succeeded', null], ['Approve', 'InProgress', null]]);
    sim.call({
      type: 'PutApprovalResult',
      executionId: 'e1',
      stageName: 'Gate',
      actionName: 'Approve',
      token: approvalTokenOf(sim),
      result: { status: 'Approved', summary: 'checked staging\nship it' },
      authorized: true,
      metadata: metadataAt(sim.now(), 'carol'),
    });
    sim.run();
    const view = sim.executionEvents('e1').reduce(evolveActionExecutions, initialActionExecutionsView);
    expect(view.details[1]).toMatchObject({ actionName: 'Approve', status: 'Succeeded', updatedBy: 'carol', output: { executionResult: { externalExecutionSummary: 'checked staging\nship it' } } });
    expect(view.details[0]!.updatedBy).toBeNull();
  });

  it('listActionExecutions and the execution summary show URLs without their credentials; the job keeps them', () => {
    const jobs: JobSpec[] = [];
    const sim = new Simulation({ worker: (job) => (jobs.push(job), { kind: 'fail', message: 'fatal: could not read from https://bot:s3cr3t-canary@git.example.com/web.git' }) });
    const checkout = sourceAction();
    checkout.configuration = { RepositoryUrl: '#{variables.REPO}', BranchName: 'main', Mirror: 'https://m:mirr0r-pw@mirror.example.com/web.git' };
    const privateSource = pipeline([stage('Source', [checkout]), stage('Build', [commandsAction('Compile')])]);
    privateSource.variables = [{ name: 'REPO', defaultValue: 'https://bot:s3cr3t-canary@git.example.com/web.git' }];
    sim.start(privateSource);
    sim.run();

    expect(jobs[0]?.configuration).toEqual({ RepositoryUrl: 'https://bot:s3cr3t-canary@git.example.com/web.git', BranchName: 'main', Mirror: 'https://m:mirr0r-pw@mirror.example.com/web.git' });
    const view = sim.executionEvents('e1').reduce(evolveActionExecutions, initialActionExecutionsView);
    expect(view.details[0]).toMatchObject({
      status: 'Failed',
      input: {
        configuration: { RepositoryUrl: '#{variables.REPO}', Mirror: 'https://***@mirror.example.com/web.git' },
        resolvedConfiguration: { RepositoryUrl: 'https://***@git.example.com/web.git', Mirror: 'https://***@mirror.example.com/web.git' },
      },
      output: { executionResult: { errorDetails: expect.stringContaining('https://***@git.example.com/web.git') } },
    });
    const summary = summaryOf(sim.execution('e1'));
    expect(summary?.variables).toEqual([{ name: 'REPO', value: 'https://***@git.example.com/web.git' }]);
    expect(JSON.stringify({ view: view.details, summary })).not.toMatch(/s3cr3t-canary|mirr0r-pw/);
  });

  it.each(['garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')])(
    'listPipelineExecutions refuses a page token it did not hand out (%s) at $.nextToken',
    (nextToken) => {
      let thrown: unknown;
      try {
        listPipelineExecutions([], { nextToken, maxResults: 10 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).issues.map((issue) => issue.path)).toEqual(['$.nextToken']);
    },
  );

  it('listPipelineExecutions: newest first, filtered by status, paged by cursor', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 1_000 }) });
    const quick = pipeline([stage('Build', [commandsAction('Compile')])], { executionMode: 'PARALLEL' });
    for (let i = 0; i < 5; i += 1) {
      sim.start(quick);
      sim.advance(1_000);
    }
    sim.call({ type: 'StopPipelineExecution', executionId: 'e5', abandon: true, reason: 'no', metadata: metadataAt(sim.now()) });
    sim.run();
    const summaries = sim.executionIds().flatMap((id) => summaryOf(sim.execution(id)) ?? []);
    const first = listPipelineExecutions(summaries, { statuses: ['Succeeded'], maxResults: 3 });
    expect(first.pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId)).toEqual(['e4', 'e3', 'e2']);
    const second = listPipelineExecutions(summaries, { statuses: ['Succeeded'], maxResults: 3, nextToken: first.nextToken });
    expect(second).toEqual({ pipelineExecutionSummaries: [expect.objectContaining({ pipelineExecutionId: 'e1', executionType: 'STANDARD' })], nextToken: null });
    expect(summaryOf(sim.execution('e5'))).toMatchObject({ status: 'Stopped', stopTrigger: { reason: 'no' } });
  });
});
