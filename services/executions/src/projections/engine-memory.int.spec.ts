import type { ActionTypeId, PipelineDeclaration } from '@sluice/domain';
import { jobStreamId } from '@sluice/contracts';
import type { Caller } from '../application/caller';
import { commandsAction, gridPipeline, pipeline, stage } from '../domain/testing/fixtures';
import { eventually } from '../testing/eventually';
import { engineWithWorkerForFile } from '../testing/engine-with-worker';
import { finishedStatus, publishAndWait } from '../testing/engine-waits';
import type { ExecutionsEngine } from '../executions-service';
import { startTestWorker } from '../testing/test-worker';

// The engine's memory (decision 0070) on the real engine and PostgreSQL: finished executions leave memory once more
// than `retainFinished` finished after them, and everything a user or a worker can do with one still works (read
// it, rerun a stage of it, retry a failed stage, ask for a job's details, report a job's result again); a restart
// holds only the lanes and the executions that need the engine, reads no event its tables folded, and goes on.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const RETAIN = 2;

const engineAndWorker = engineWithWorkerForFile(
  {
    actionTypeIds: [commands],
    pollWaitMs: 200,
    plan: (job) => (job.data.actionName === 'Flaky' && job.data.actionExecutionId.endsWith('/1') ? { kind: 'fail', message: 'flaked' } : { kind: 'succeed' }),
  },
  { retainFinished: RETAIN },
);

const publish = (declaration: PipelineDeclaration) => publishAndWait(engineAndWorker.env, engineAndWorker.engine, alice, declaration);
const finished = (engine: ExecutionsEngine, pipelineName: string, executionId: string) => finishedStatus(engine, alice, pipelineName, executionId);

describe('the engine holds what it works on', () => {
  it('lets finished executions go, loads them again when used, and restarts from its tables', async () => {
    const { env } = engineAndWorker;
    let engine = engineAndWorker.engine;
    await publish({ ...gridPipeline(1, 2, 'PARALLEL'), name: 'grid' });
    await publish(pipeline([stage('Build', [commandsAction('Flaky')]), stage('Ship', [commandsAction('Ship')])], { name: 'flaky', executionMode: 'PARALLEL' }));

    const flaky = (await engine.startPipelineExecution(alice, { name: 'flaky' })).pipelineExecutionId;
    expect(await finished(engine, 'flaky', flaky)).toBe('Failed');
    const grid: string[] = [];
    for (let i = 0; i < 6; i++) grid.push((await engine.startPipelineExecution(alice, { name: 'grid' })).pipelineExecutionId);
    for (const id of grid) expect(await finished(engine, 'grid', id)).toBe('Succeeded');

    // Two pipelines' lanes, and at most RETAIN finished executions with their two jobs each.
    await eventually(() => engine.diagnostics().heldStreams <= 2 + RETAIN * 3, () => `${engine.diagnostics().heldStreams} streams held: ${[...(engine.liveProjections[0]!.contents() as { streams: Map<string, { revision: bigint; state: { status: string } }> }).streams].map(([id, known]) => `${id} ${known.state.status}`).join(", ")}`, 3000);
    const oldJob = (await engine.listActionExecutions(alice, 'grid', { pipelineExecutionId: grid[0]! })).actionExecutionDetails[0]!;
    const oldJobId = (await env.eventsOf(jobStreamId(''))).find((event) => event.type === 'JobCreated' && (event.data as { spec: { actionExecutionId: string } }).spec.actionExecutionId === oldJob.actionExecutionId)!.streamId.slice('job-'.length);

    // Read, asked about and acted on after it left memory.
    expect((await engine.getPipelineExecution(alice, 'grid', grid[0]!)).status).toBe('Succeeded');
    expect(await engine.getJobDetails(oldJobId)).toMatchObject({ id: oldJobId, status: 'Succeeded' });
    await expect(engine.putJobSuccessResult(oldJobId, {})).rejects.toThrow();
    const rerun = (await engine.rerunStage(alice, { pipelineName: 'grid', stageName: 'Stage1', sourcePipelineExecutionId: grid[0]! })).pipelineExecutionId;
    expect(await finished(engine, 'grid', rerun)).toBe('Succeeded');
    await engine.retryStageExecution(alice, { pipelineName: 'flaky', stageName: 'Build', pipelineExecutionId: flaky, retryMode: 'FAILED_ACTIONS' });
    expect(await finished(engine, 'flaky', flaky)).toBe('Succeeded');
    expect((await engine.listActionExecutions(alice, 'flaky', { pipelineExecutionId: flaky })).actionExecutionDetails.map((detail) => [detail.actionName, detail.status])).toEqual([
      ['Flaky', 'Failed'],
      ['Flaky', 'Succeeded'],
      ['Ship', 'Succeeded'],
    ]);

    // A restart: the tables are read from their checkpoint (nothing new), and only the lanes are held.
    await engineAndWorker.worker.stop();
    await eventually(async () => (await engine.getPipelineState(alice, 'grid')).stageStates[0]?.latestExecution?.pipelineExecutionId === rerun, () => 'the rerun is not the latest');
    const head = (await env.eventsOf('')).at(-1)!.position;
    await engine.waitForPosition(head);
    await engine.stop();
    engine = await env.startEngine({ retainFinished: RETAIN });
    expect(engine.diagnostics()).toMatchObject({ readModelEventsRead: 0, heldStreams: 2 });
    const worker = startTestWorker(engine, { actionTypeIds: [commands], pollWaitMs: 200 });
    try {
      const after = (await engine.startPipelineExecution(alice, { name: 'grid' })).pipelineExecutionId;
      expect(await finished(engine, 'grid', after)).toBe('Succeeded');
      const again = (await engine.rerunStage(alice, { pipelineName: 'grid', stageName: 'Stage1', sourcePipelineExecutionId: grid[1]! })).pipelineExecutionId;
      expect(await finished(engine, 'grid', again)).toBe('Succeeded');
      const listed = (await engine.listPipelineExecutions(alice, 'grid')).pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId);
      expect(listed).toEqual([again, after, rerun, ...[...grid].reverse()]);
    } finally {
      await worker.stop();
      await engine.stop();
    }
  });
});
