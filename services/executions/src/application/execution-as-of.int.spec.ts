import type { ActionTypeId, PipelineDeclaration } from '@sluice/domain';
import { approvalAction, commandsAction, pipeline, stage } from '../domain/testing/fixtures';
import type { ExecutionsEngine } from '../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../testing/engine-test-environment';
import { eventually } from '../testing/eventually';
import { startTestWorker, type TestWorker } from '../testing/test-worker';
import type { Caller } from './caller';
import { ExecutionAsOfQueries } from './execution-as-of';
import { markInstant } from '@sluice/testing';

// executionAsOf and pipelineStateAsOf on the real PostgreSQL store with the real engine: the live answers
// are recorded at marked instants while an execution runs, then asked again of the store's history.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };

let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let worker: TestWorker | undefined;

async function publish(declaration: PipelineDeclaration): Promise<void> {
  const version = await env.publisher.publish(declaration);
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name: declaration.name }, version);
}

const live = async (executionId: string) => ({
  pipelineExecution: await engine.getPipelineExecution(alice, 'timeline', executionId),
  actionExecutions: (await engine.listActionExecutions(alice, 'timeline', { pipelineExecutionId: executionId })).actionExecutionDetails,
});
const withoutAt = <T extends { at: string }>({ at: _at, ...rest }: T) => rest;

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  engine = await env.startEngine();
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

describe('as-of queries of the executions service', () => {
  const marks: Record<string, string> = {};
  const seen: Record<string, { execution: Awaited<ReturnType<typeof live>>; state: Awaited<ReturnType<ExecutionsEngine['getPipelineState']>> }> = {};
  let executionId = '';

  beforeAll(async () => {
    marks.before = await markInstant();
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Gate', [approvalAction('Approve')]), stage('Deploy', [commandsAction('Ship')])], { name: 'timeline' }));
    marks.created = await markInstant();
    // No worker yet: the execution waits in its first stage with its first job queued.
    ({ pipelineExecutionId: executionId } = await engine.startPipelineExecution(alice, { name: 'timeline' }));
    await eventually(
      async () => (await engine.listActionExecutions(alice, 'timeline', { pipelineExecutionId: executionId })).actionExecutionDetails.length === 1,
      () => 'Compile did not start',
    );
    marks.building = await markInstant();
    seen.building = { execution: await live(executionId), state: await engine.getPipelineState(alice, 'timeline') };
    worker = startTestWorker(engine, { actionTypeIds: [commands], pollWaitMs: 200 });
    let token: string | null = null;
    await eventually(
      async () => (token = (await engine.getPipelineState(alice, 'timeline')).stageStates[1]?.actionStates[0]?.latestExecution?.token ?? null) !== null,
      () => 'no approval is waiting',
    );
    marks.approval = await markInstant();
    seen.approval = { execution: await live(executionId), state: await engine.getPipelineState(alice, 'timeline') };
    await env.publisher.disableStageTransition('timeline', 'Deploy', 'change freeze');
    await eventually(async () => (await engine.getPipelineState(alice, 'timeline')).stageStates[2]?.inboundTransitionState.enabled === false, () => 'Deploy is not disabled');
    await engine.putApprovalResult({ account: 'acme', actor: 'bob' }, { pipelineName: 'timeline', stageName: 'Gate', actionName: 'Approve', token: token!, result: { status: 'Approved', summary: 'ok' } });
    await eventually(async () => (await engine.getPipelineState(alice, 'timeline')).stageStates[1]?.latestExecution?.status === 'Succeeded', () => 'Gate did not succeed');
    marks.held = await markInstant();
    seen.held = { execution: await live(executionId), state: await engine.getPipelineState(alice, 'timeline') };
    await env.publisher.enableStageTransition('timeline', 'Deploy');
    await eventually(async () => (await engine.getPipelineExecution(alice, 'timeline', executionId)).status === 'Succeeded', () => 'the execution did not succeed');
    marks.succeeded = await markInstant();
    seen.succeeded = { execution: await live(executionId), state: await engine.getPipelineState(alice, 'timeline') };
    // A new version after the run: the state of then must keep the definition of then.
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship')])], { name: 'timeline' }));
    marks.updated = await markInstant();
  });

  it('answers executionAsOf at each instant as getPipelineExecution and listActionExecutions did then', async () => {
    for (const name of ['building', 'approval', 'held', 'succeeded']) {
      const answer = await engine.executionAsOf(alice, executionId, marks[name]!);
      expect(answer.at).toBe(marks[name]);
      expect(withoutAt(answer)).toEqual(seen[name]!.execution);
    }
    const statuses = await Promise.all(['building', 'approval', 'succeeded'].map(async (name) => (await engine.executionAsOf(alice, executionId, marks[name]!)).pipelineExecution.status));
    expect(statuses).toEqual(['InProgress', 'InProgress', 'Succeeded']);
  });

  it('answers pipelineStateAsOf at each instant as getPipelineState did then', async () => {
    for (const name of ['building', 'approval', 'held', 'succeeded']) {
      expect(withoutAt(await engine.pipelineStateAsOf(alice, 'timeline', marks[name]!))).toEqual(seen[name]!.state);
    }
    const building = await engine.pipelineStateAsOf(alice, 'timeline', marks.building!);
    expect(building.stageStates.map((s) => s.latestExecution?.status ?? null)).toEqual(['InProgress', null, null]);
    const approval = await engine.pipelineStateAsOf(alice, 'timeline', marks.approval!);
    expect(approval.stageStates[1]!.actionStates[0]!.latestExecution).toMatchObject({ status: 'InProgress', token: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    const held = await engine.pipelineStateAsOf(alice, 'timeline', marks.held!);
    expect(held.stageStates[2]).toMatchObject({ inboundTransitionState: { enabled: false, disabledReason: 'change freeze' }, latestExecution: null });
    expect(held.stageStates[1]!.actionStates[0]!.latestExecution).toMatchObject({ status: 'Succeeded', token: null });
  });

  it('uses the definition valid at the instant', async () => {
    const created = await engine.pipelineStateAsOf(alice, 'timeline', marks.created!);
    expect([created.pipelineVersion, created.stageStates.map((s) => [s.stageName, s.latestExecution])]).toEqual([
      1,
      [
        ['Build', null],
        ['Gate', null],
        ['Deploy', null],
      ],
    ]);
    // Updated after its run, as live: the stages of version 2, each with what the run of version 1 left of it.
    const updated = await engine.pipelineStateAsOf(alice, 'timeline', marks.updated!);
    expect([updated.pipelineVersion, updated.stageStates.map((s) => [s.stageName, s.latestExecution?.status ?? null])]).toEqual([
      2,
      [
        ['Build', 'Succeeded'],
        ['Deploy', 'Succeeded'],
      ],
    ]);
    const untouched = new ExecutionAsOfQueries(env.store, () => new Date());
    await publish(pipeline([stage('Only', [commandsAction('One')])], { name: 'never-run' }));
    const v1 = await markInstant();
    await publish(pipeline([stage('Only', [commandsAction('One')]), stage('Two', [commandsAction('Second')])], { name: 'never-run' }));
    const v2 = await markInstant();
    expect((await untouched.pipelineStateAsOf(alice, 'never-run', v1)).stageStates.map((s) => s.stageName)).toEqual(['Only']);
    expect((await untouched.pipelineStateAsOf(alice, 'never-run', v2)).stageStates.map((s) => s.stageName)).toEqual(['Only', 'Two']);
  });

  it('answers the present as the live queries do', async () => {
    const now = await markInstant();
    expect(withoutAt(await engine.pipelineStateAsOf(alice, 'timeline', now))).toEqual(await engine.getPipelineState(alice, 'timeline'));
    expect(withoutAt(await engine.executionAsOf(alice, executionId, now))).toEqual(await live(executionId));
    const future = await engine.executionAsOf(alice, executionId, '2999-01-01T00:00:00Z');
    expect(Date.parse(future.at)).toBeLessThanOrEqual(Date.now());
  });

  it('says what did not exist at the instant, and hides other accounts', async () => {
    await expect(engine.pipelineStateAsOf(alice, 'timeline', marks.before!)).rejects.toMatchObject({ name: 'NotFoundError', message: `Pipeline 'timeline' did not exist at ${marks.before}.` });
    await expect(engine.executionAsOf(alice, executionId, marks.created!)).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining('did not exist at') });
    const mallory: Caller = { account: 'globex', actor: 'mallory' };
    await expect(engine.executionAsOf(mallory, executionId, marks.succeeded!)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(engine.pipelineStateAsOf(mallory, 'timeline', marks.succeeded!)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses an `at` that is not an ISO instant, naming it', async () => {
    await expect(engine.executionAsOf(alice, executionId, 'last tuesday')).rejects.toMatchObject({ name: 'ValidationError', issues: [expect.objectContaining({ path: 'at' })] });
    await expect(engine.pipelineStateAsOf(alice, 'timeline', '2026-01-01')).rejects.toMatchObject({ name: 'ValidationError', issues: [expect.objectContaining({ path: 'at' })] });
  });
});
