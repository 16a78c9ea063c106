import type { ActionTypeId, PipelineDeclaration } from '@sluice/domain';
import type { Caller } from '../caller';
import { IllegalStateError } from '../../domain';
import { type JobCreated, type JobEvent } from '@sluice/contracts';
import { approvalAction, commandsAction, gridPipeline, pipeline, stage } from '../../domain/testing/fixtures';
import { eventually } from '../../testing/eventually';
import type { TestWorkerPlan } from '../../testing/test-worker';
import { engineWithWorkerForFile } from '../../testing/engine-with-worker';

// The engine end to end on the real PostgreSQL store: pipelines arrive as events over the bus, a test
// worker speaks only the job-worker protocol, and every answer comes from the application functions.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const manual = (provider: string): ActionTypeId => ({ category: 'Test', owner: 'Custom', provider, version: '1' });


/** Fails the first attempt of actions named `Flaky…`, every attempt of `Broken…`; the rest succeed. */
const plan = (job: { data: { actionName: string; actionExecutionId: string } }): TestWorkerPlan => {
  if (job.data.actionName.startsWith('Broken')) return { kind: 'fail', message: 'exit code 2' };
  if (job.data.actionName.startsWith('Flaky') && job.data.actionExecutionId.endsWith('/1')) return { kind: 'fail', message: 'flaked' };
  return { kind: 'succeed', result: { executionSummary: `ran ${job.data.actionName}` } };
};

async function publish(declaration: PipelineDeclaration): Promise<number> {
  const version = await engineAndWorker.env.publisher.publish(declaration);
  await engineAndWorker.engine.pipelineCatalog.whenKnown({ account: 'acme', name: declaration.name }, version);
  return version;
}

async function finished(pipelineName: string, executionId: string): Promise<string> {
  const terminal = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];
  let status = '';
  await eventually(
    async () => terminal.includes((status = (await engineAndWorker.engine.getPipelineExecution(alice, pipelineName, executionId)).status)),
    () => `${executionId} is ${status}`,
  );
  return status;
}

const jobEvents = async (jobId: string): Promise<JobEvent[]> =>
  (await engineAndWorker.env.store.readStream(`job-${jobId}`)).map((event) => ({ type: event.type, data: event.data }) as JobEvent);

const engineAndWorker = engineWithWorkerForFile({ actionTypeIds: [commands], plan, pollWaitMs: 500 }, { jobQueuePolicy: { acknowledgeWithinMs: 500, heartbeatWithinMs: 10_000 } });

describe('executions engine on PostgreSQL', () => {
  it('runs 3 stages x 4 parallel actions to Succeeded and answers the reads', async () => {
    await publish({ ...gridPipeline(3, 4), name: 'grid' });
    const started = Date.now();
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'grid' });
    expect(await engineAndWorker.engine.getPipelineExecution(alice, 'grid', pipelineExecutionId)).toMatchObject({ status: 'InProgress', pipelineVersion: 1 });
    expect(await finished('grid', pipelineExecutionId)).toBe('Succeeded');
    console.log(`3 x 4 pipeline, start -> Succeeded: ${Date.now() - started} ms`);

    const state = await engineAndWorker.engine.getPipelineState(alice, 'grid');
    expect(state.stageStates.map((stage) => [stage.stageName, stage.latestExecution?.status])).toEqual([
      ['Stage1', 'Succeeded'],
      ['Stage2', 'Succeeded'],
      ['Stage3', 'Succeeded'],
    ]);
    expect(state.stageStates[2]!.actionStates[3]).toMatchObject({ actionName: 'Action4', latestExecution: { status: 'Succeeded', summary: 'ran Action4' } });
    const actions = await engineAndWorker.engine.listActionExecutions(alice, 'grid', { pipelineExecutionId });
    expect(actions.actionExecutionDetails).toHaveLength(12);
    expect(actions.actionExecutionDetails.every((detail) => detail.status === 'Succeeded' && detail.pipelineVersion === 1)).toBe(true);
    const page = await engineAndWorker.engine.listPipelineExecutions(alice, 'grid', { statuses: ['Succeeded'] });
    expect(page.pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId)).toEqual([pipelineExecutionId]);
  });

  it('answers the state with the stages of the current version once the pipeline is updated, before it runs again', async () => {
    const v1 = pipeline([stage('Build', [commandsAction('Compile')])], { name: 'growing' });
    await publish(v1);
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'growing' });
    expect(await finished('growing', pipelineExecutionId)).toBe('Succeeded');
    expect(await publish({ ...v1, stages: [stage('Build', [commandsAction('Compile'), commandsAction('Lint')]), stage('Verify', [commandsAction('Check')])] })).toBe(2);

    const state = await engineAndWorker.engine.getPipelineState(alice, 'growing');
    expect(state.pipelineVersion).toBe(2);
    expect(state.stageStates.map((s) => [s.stageName, s.latestExecution?.status ?? null, s.actionStates.map((a) => [a.actionName, a.latestExecution?.status ?? null])])).toEqual([
      ['Build', 'Succeeded', [['Compile', 'Succeeded'], ['Lint', null]]],
      ['Verify', null, [['Check', null]]],
    ]);
  });
  it('answers a repeated start with the same client request token with the same execution', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile')])], { name: 'tokens' }));
    const first = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'tokens', clientRequestToken: 'release-42' });
    const again = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'tokens', clientRequestToken: 'release-42' });
    expect(again).toEqual(first);
    expect(await finished('tokens', first.pipelineExecutionId)).toBe('Succeeded');
    const started = (await engineAndWorker.env.eventsOf(`execution-${first.pipelineExecutionId}`)).filter((event) => event.type === 'PipelineExecutionStarted');
    expect(started).toHaveLength(1);
  });

  it('fails the stage and the execution when an action fails', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile'), commandsAction('Broken')]), stage('Deploy', [commandsAction('Ship')])], { name: 'failing' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'failing' });
    expect(await finished('failing', pipelineExecutionId)).toBe('Failed');
    const execution = await engineAndWorker.engine.getPipelineExecution(alice, 'failing', pipelineExecutionId);
    expect(execution.statusSummary).toContain('Build');
    const state = await engineAndWorker.engine.getPipelineState(alice, 'failing');
    expect(state.stageStates.map((stage) => stage.latestExecution?.status ?? null)).toEqual(['Failed', null]);
    const broken = (await engineAndWorker.engine.listActionExecutions(alice, 'failing', { pipelineExecutionId })).actionExecutionDetails.find((detail) => detail.actionName === 'Broken');
    expect(broken?.status).toBe('Failed');
    expect(broken?.output.executionResult.errorDetails).toContain('exit code 2');
  });

  it('waits for a manual approval and goes on once it is approved', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Gate', [approvalAction('Approve')]), stage('Deploy', [commandsAction('Ship')])], { name: 'gated' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'gated' });
    let token: string | null = null;
    await eventually(
      async () => (token = (await engineAndWorker.engine.getPipelineState(alice, 'gated')).stageStates[1]?.actionStates[0]?.latestExecution?.token ?? null) !== null,
      () => 'no approval is waiting',
    );
    await engineAndWorker.engine.putApprovalResult({ account: 'acme', actor: 'bob' }, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: token!, result: { status: 'Approved', summary: 'looks good' } });
    expect(await finished('gated', pipelineExecutionId)).toBe('Succeeded');
    const approval = (await engineAndWorker.engine.listActionExecutions(alice, 'gated', { pipelineExecutionId })).actionExecutionDetails.find((detail) => detail.actionName === 'Approve');
    expect(approval).toMatchObject({ status: 'Succeeded', output: { executionResult: { externalExecutionSummary: 'looks good' } } });
  });

  it('holds an execution at a disabled transition and promotes it once the transition is enabled', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship')])], { name: 'held' }));
    await engineAndWorker.env.publisher.disableStageTransition('held', 'Deploy', 'change freeze');
    await eventually(
      async () => (await engineAndWorker.engine.getPipelineState(alice, 'held')).stageStates.find((stage) => stage.stageName === 'Deploy')?.inboundTransitionState.enabled === false,
      () => 'the transition is not disabled',
    );
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'held' });
    await eventually(
      async () => (await engineAndWorker.engine.getPipelineState(alice, 'held')).stageStates[0]?.latestExecution?.status === 'Succeeded',
      () => 'Build did not succeed',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await engineAndWorker.engine.getPipelineExecution(alice, 'held', pipelineExecutionId)).status).toBe('InProgress');
    expect((await engineAndWorker.engine.getPipelineState(alice, 'held')).stageStates[1]).toMatchObject({ latestExecution: null, inboundTransitionState: { enabled: false, disabledReason: 'change freeze' } });
    await engineAndWorker.env.publisher.enableStageTransition('held', 'Deploy');
    expect(await finished('held', pipelineExecutionId)).toBe('Succeeded');
  });

  it('retries the failed actions with the definition version the execution started with', async () => {
    const v1 = pipeline([stage('Build', [commandsAction('Steady'), commandsAction('Flaky')])], { name: 'flaky' });
    await publish(v1);
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'flaky' });
    expect(await finished('flaky', pipelineExecutionId)).toBe('Failed');
    expect(await publish({ ...v1, stages: [stage('Build', [commandsAction('Other')])] })).toBe(2);

    await engineAndWorker.engine.retryStageExecution(alice, { pipelineName: 'flaky', stageName: 'Build', pipelineExecutionId, retryMode: 'FAILED_ACTIONS' });
    expect(await finished('flaky', pipelineExecutionId)).toBe('Succeeded');
    const attempts = (await engineAndWorker.engine.listActionExecutions(alice, 'flaky', { pipelineExecutionId })).actionExecutionDetails.map((detail) => [detail.actionName, detail.attempt, detail.status, detail.pipelineVersion]);
    expect(attempts).toEqual([
      ['Steady', 1, 'Succeeded', 1],
      ['Flaky', 1, 'Failed', 1],
      ['Flaky', 2, 'Succeeded', 1],
    ]);
    const retried = engineAndWorker.worker.polled.find((job) => job.data.executionId === pipelineExecutionId && job.data.actionExecutionId.endsWith('/Flaky/2'));
    expect(retried?.data.pipelineVersion).toBe(1);
  });

  it('evaluates stage conditions: a failed action retried by onFailure, a gate whose deployment window is closed stays shut', async () => {
    const retrying = stage('Build', [commandsAction('FlakyTest')], { onFailure: { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' }, conditions: [{ result: 'RETRY' }] } });
    const window = { name: 'BusinessHours', ruleTypeId: { category: 'Rule' as const, owner: 'AWS' as const, provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: '* * * * * ? 2001' } };
    const gated = stage('Deploy', [commandsAction('Ship')], { beforeEntry: { conditions: [{ result: 'FAIL', rules: [window] }] } });
    await publish(pipeline([retrying, gated], { name: 'conditions' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'conditions' });
    expect(await finished('conditions', pipelineExecutionId)).toBe('Failed');
    const attempts = (await engineAndWorker.engine.listActionExecutions(alice, 'conditions', { pipelineExecutionId })).actionExecutionDetails.map((detail) => [detail.actionName, detail.attempt, detail.status]);
    expect(attempts).toEqual([
      ['FlakyTest', 1, 'Failed'],
      ['FlakyTest', 2, 'Succeeded'],
    ]);
    expect((await engineAndWorker.engine.getPipelineExecution(alice, 'conditions', pipelineExecutionId)).statusSummary).toContain('BusinessHours (DeploymentWindow)');
  });

  it('answers a long poll as soon as a job appears', async () => {
    const type = manual('LongPoll');
    await publish(pipeline([stage('Test', [{ name: 'Probe', actionTypeId: type, runOrder: 1 }])], { name: 'long-poll' }));
    const polled = engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'long-poll' });
    const [job] = await polled;
    const returnedAt = Date.now();
    const created = (await jobEvents(job!.id))[0] as JobCreated;
    const latencyMs = returnedAt - Date.parse(created.data.createdAt);
    console.log(`long poll returned ${latencyMs} ms after the job was created`);
    expect(job!.data.executionId).toBe(pipelineExecutionId);
    expect(latencyMs).toBeLessThan(1_000);
    await engineAndWorker.engine.acknowledgeJob(job!.id, job!.nonce);
    await engineAndWorker.engine.putJobSuccessResult(job!.id, {});
    expect(await finished('long-poll', pipelineExecutionId)).toBe('Succeeded');
  });

  it('resolves variable overrides into the job and hands a continuation token on in a follow-up job', async () => {
    const type = manual('Continue');
    const action = { name: 'Deploy', actionTypeId: type, runOrder: 1, configuration: { Target: '#{variables.TARGET}', Run: '#{codepipeline.PipelineExecutionId}' } };
    await publish(pipeline([stage('Deploy', [action])], { name: 'continue', variables: [{ name: 'TARGET', defaultValue: 'staging' }] }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'continue', variables: [{ name: 'TARGET', value: 'production' }] });
    const [first] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    expect(first!.data.configuration).toEqual({ Target: 'production', Run: pipelineExecutionId });
    await engineAndWorker.engine.acknowledgeJob(first!.id, first!.nonce);
    await engineAndWorker.engine.putJobSuccessResult(first!.id, { continuationToken: 'halfway' });
    const [next] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    // A follow-up job of its own, drawn like every job id: nothing of the first one's id in it.
    expect(next!.id).toMatch(/^[0-9a-f]{32}$/);
    expect(next!.id).not.toBe(first!.id);
    expect(next!.data.actionExecutionId).toBe(first!.data.actionExecutionId);
    expect(next!.data.continuationToken).toBe('halfway');
    await engineAndWorker.engine.acknowledgeJob(next!.id, next!.nonce);
    await engineAndWorker.engine.putJobSuccessResult(next!.id, { executionSummary: 'deployed' });
    expect(await finished('continue', pipelineExecutionId)).toBe('Succeeded');
    expect((await engineAndWorker.engine.getPipelineExecution(alice, 'continue', pipelineExecutionId)).variables).toEqual([{ name: 'TARGET', value: 'production' }]);
  });

  it('accepts a job result once and refuses the late duplicate', async () => {
    const type = manual('Duplicate');
    await publish(pipeline([stage('Test', [{ name: 'Once', actionTypeId: type, runOrder: 1 }])], { name: 'duplicate' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'duplicate' });
    const [job] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    await engineAndWorker.engine.acknowledgeJob(job!.id, job!.nonce);
    await engineAndWorker.engine.putJobSuccessResult(job!.id, { executionSummary: 'first' });
    await expect(engineAndWorker.engine.putJobSuccessResult(job!.id, { executionSummary: 'second' })).rejects.toBeInstanceOf(IllegalStateError);
    expect(await finished('duplicate', pipelineExecutionId)).toBe('Succeeded');
    expect((await jobEvents(job!.id)).filter((event) => event.type === 'JobSucceeded')).toHaveLength(1);
    const applied = (await engineAndWorker.env.eventsOf(`execution-${pipelineExecutionId}`)).filter((event) => event.type === 'ActionExecutionSucceeded');
    expect(applied.map((event) => (event.data as { summary: string }).summary)).toEqual(['first']);
  });

  it('puts a job nobody acknowledged back on the queue', async () => {
    const type = manual('Requeue');
    await publish(pipeline([stage('Test', [{ name: 'Slow', actionTypeId: type, runOrder: 1 }])], { name: 'requeue' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'requeue' });
    const [first] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    expect(await engineAndWorker.engine.pollForJobs(type, 1)).toEqual([]);
    const [second] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    expect(second!.id).toBe(first!.id);
    expect(second!.nonce).not.toBe(first!.nonce);
    await expect(engineAndWorker.engine.acknowledgeJob(first!.id, first!.nonce)).rejects.toThrow();
    await engineAndWorker.engine.acknowledgeJob(second!.id, second!.nonce);
    await engineAndWorker.engine.putJobSuccessResult(second!.id, {});
    expect(await finished('requeue', pipelineExecutionId)).toBe('Succeeded');
    expect((await jobEvents(first!.id)).find((event) => event.type === 'JobRequeued')).toMatchObject({ data: { reason: 'NotAcknowledged' } });
  });

  it('abandons a running execution on stop: its job is cancelled and the worker\'s late result refused', async () => {
    const type = manual('Stuck');
    await publish(pipeline([stage('Test', [{ name: 'Hang', actionTypeId: type, runOrder: 1 }])], { name: 'stopping' }));
    const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'stopping' });
    const [job] = await engineAndWorker.engine.pollForJobs(type, 1, { waitMs: 10_000 });
    await engineAndWorker.engine.acknowledgeJob(job!.id, job!.nonce);
    const { leaseExpiresAt } = await engineAndWorker.engine.heartbeat(job!.id, job!.nonce);
    expect(Date.parse(leaseExpiresAt)).toBeGreaterThan(Date.now() + 5_000);
    await engineAndWorker.engine.stopPipelineExecution(alice, { pipelineName: 'stopping', pipelineExecutionId, abandon: true, reason: 'wrong branch' });
    expect(await finished('stopping', pipelineExecutionId)).toBe('Stopped');
    await eventually(
      async () => (await jobEvents(job!.id)).some((event) => event.type === 'JobCancelled'),
      () => 'the job was not cancelled',
    );
    await expect(engineAndWorker.engine.putJobSuccessResult(job!.id, {})).rejects.toBeInstanceOf(IllegalStateError);
    expect((await engineAndWorker.engine.getPipelineExecution(alice, 'stopping', pipelineExecutionId)).stopTrigger).toEqual({ reason: 'wrong branch' });
  });

  it('re-runs one stage of a past execution, and rolls a stage back, with that execution\'s inputs', async () => {
    const v1 = pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship'), commandsAction('Smoke', 2)])], { name: 'rerun' });
    await publish(v1);
    const { pipelineExecutionId: past } = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'rerun' });
    expect(await finished('rerun', past)).toBe('Succeeded');
    await publish({ ...v1, stages: [stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Other')])] });

    const { pipelineExecutionId: rerun } = await engineAndWorker.engine.rerunStage(alice, { pipelineName: 'rerun', stageName: 'Deploy', sourcePipelineExecutionId: past });
    expect(await finished('rerun', rerun)).toBe('Succeeded');
    expect(await engineAndWorker.engine.getPipelineExecution(alice, 'rerun', rerun)).toMatchObject({ executionType: 'RERUN', pipelineVersion: 1, trigger: { triggerType: 'RerunStage', triggerDetail: past } });
    const rerunActions = (await engineAndWorker.engine.listActionExecutions(alice, 'rerun', { pipelineExecutionId: rerun })).actionExecutionDetails;
    expect(rerunActions.map((detail) => [detail.stageName, detail.actionName, detail.status])).toEqual([
      ['Deploy', 'Ship', 'Succeeded'],
      ['Deploy', 'Smoke', 'Succeeded'],
    ]);

    const { pipelineExecutionId: rollback } = await engineAndWorker.engine.rollbackStage(alice, { pipelineName: 'rerun', stageName: 'Deploy', targetPipelineExecutionId: past });
    expect(await finished('rerun', rollback)).toBe('Succeeded');
    expect(await engineAndWorker.engine.getPipelineExecution(alice, 'rerun', rollback)).toMatchObject({ executionType: 'ROLLBACK', rollbackMetadata: { rollbackTargetPipelineExecutionId: past } });
    const listed = await engineAndWorker.engine.listPipelineExecutions(alice, 'rerun', { maxResults: 2 });
    expect(listed.pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId)).toEqual([rollback, rerun]);
    expect((await engineAndWorker.engine.listPipelineExecutions(alice, 'rerun', { maxResults: 2, nextToken: listed.nextToken })).pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId)).toEqual([past]);
  });

  it('reported no engine error', () => {
    expect(engineAndWorker.env.errors).toEqual([]);
  });
});
