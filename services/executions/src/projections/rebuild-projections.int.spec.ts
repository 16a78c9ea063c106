import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ActionTypeId, PipelineDeclaration } from '@sluice/domain';
import { readModelDatabaseOf, rebuildProjections } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import type { Caller } from '../application/caller';
import { approvalAction, commandsAction, gridPipeline, pipeline, stage } from '../domain/testing/fixtures';
import { eventually } from '../testing/eventually';
import { executionsProjections } from './projection-registry';
import { ExecutionsReadModel } from './executions-read-model';
import { engineWithWorkerForFile } from '../testing/engine-with-worker';
import { approvalToken, finishedStatus, publishAndWait } from '../testing/engine-waits';

// A realistic history on the real engine and PostgreSQL (versions, concurrent and superseded executions, a
// failure, a retry, approvals approved and rejected, a transition disabled and enabled), then every projection
// of the service rebuilt from the store into fresh state and compared with the live one, content for content.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const root = join(__dirname, '../../../..');


const publish = (declaration: PipelineDeclaration) => publishAndWait(engineAndWorker.env, engineAndWorker.engine, alice, declaration);
const finished = (pipelineName: string, executionId: string) => finishedStatus(engineAndWorker.engine, alice, pipelineName, executionId);
const approval = (pipelineName: string, stageIndex: number) => approvalToken(engineAndWorker.engine, alice, pipelineName, stageIndex);

/** The store's head once nothing has been appended for a while (the engine releases lanes after an execution ends). */
async function quietHead(): Promise<bigint> {
  let head = -1n;
  for (;;) {
    const events = await engineAndWorker.env.eventsOf('');
    const now = events[events.length - 1]?.position ?? 0n;
    if (now === head) return head;
    head = now;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

const engineAndWorker = engineWithWorkerForFile({
    actionTypeIds: [commands],
    pollWaitMs: 200,
    plan: (job) => {
      if (job.data.actionName.startsWith('Broken')) return { kind: 'fail', message: 'exit code 2' };
      if (job.data.actionName.startsWith('Flaky') && job.data.actionExecutionId.endsWith('/1')) return { kind: 'fail', message: 'flaked' };
      return { kind: 'succeed', result: { executionSummary: `ran ${job.data.actionName}`, outputVariables: { ACTION: job.data.actionName } } };
    },
  });

describe('rebuilding the executions service’s projections', () => {
  it('rebuilds every projection from the store equal to the live one', async () => {
    await publish({ ...gridPipeline(2, 2), name: 'grid' });
    await publish({ ...gridPipeline(3, 2), name: 'grid' });
    await publish({ ...gridPipeline(2, 2, 'QUEUED'), name: 'queue' });
    await publish(pipeline([stage('Build', [commandsAction('Compile'), commandsAction('Broken')]), stage('Deploy', [commandsAction('Ship')])], { name: 'failing' }));
    await publish(pipeline([stage('Build', [commandsAction('Flaky')]), stage('Deploy', [commandsAction('Ship')])], { name: 'flaky' }));
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Gate', [approvalAction('Approve')]), stage('Deploy', [commandsAction('Ship')])], { name: 'gated' }));
    await engineAndWorker.env.publisher.disableStageTransition('grid', 'Stage3', 'freeze');

    const grid = await Promise.all([1, 2, 3].map(() => engineAndWorker.engine.startPipelineExecution(alice, { name: 'grid' })));
    const queue = await Promise.all([1, 2, 3].map(() => engineAndWorker.engine.startPipelineExecution(alice, { name: 'queue' })));
    const failing = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'failing' });
    const flaky = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'flaky' });
    const approved = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'gated' });
    await engineAndWorker.engine.putApprovalResult(alice, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: await approval('gated', 1), result: { status: 'Approved', summary: 'ok' } });
    expect(await finished('gated', approved.pipelineExecutionId)).toBe('Succeeded');
    const rejected = await engineAndWorker.engine.startPipelineExecution(alice, { name: 'gated' });
    await engineAndWorker.engine.putApprovalResult(alice, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: await approval('gated', 1), result: { status: 'Rejected', summary: 'no' } });
    expect(await finished('gated', rejected.pipelineExecutionId)).toBe('Failed');
    expect(await finished('failing', failing.pipelineExecutionId)).toBe('Failed');
    expect(await finished('flaky', flaky.pipelineExecutionId)).toBe('Failed');
    await engineAndWorker.engine.retryStageExecution(alice, { pipelineName: 'flaky', stageName: 'Build', pipelineExecutionId: flaky.pipelineExecutionId, retryMode: 'FAILED_ACTIONS' });
    expect(await finished('flaky', flaky.pipelineExecutionId)).toBe('Succeeded');
    for (const { pipelineExecutionId } of queue) expect(await finished('queue', pipelineExecutionId)).toBe('Succeeded');
    await eventually(async () => (await engineAndWorker.engine.getPipelineState(alice, 'grid')).stageStates[1]?.latestExecution?.status === 'Succeeded', () => 'grid did not reach the frozen transition');
    await engineAndWorker.env.publisher.enableStageTransition('grid', 'Stage3');
    const gridStatuses = await Promise.all(grid.map(({ pipelineExecutionId }) => finished('grid', pipelineExecutionId)));
    expect(gridStatuses).toContain('Succeeded');
    await engineAndWorker.worker.stop();

    const head = await quietHead();
    await engineAndWorker.engine.waitForPosition(head);
    const rebuilt = executionsProjections();
    const result = await rebuildProjections(engineAndWorker.env.store, rebuilt);
    expect(result.lastPosition).toBe(head);
    console.log(`rebuilt ${rebuilt.map((p) => `${p.name} (${result.folded[p.name]} events)`).join(', ')} in ${Math.round(result.elapsedMs)} ms`);

    expect(engineAndWorker.engine.liveProjections.map((p) => p.name).sort()).toEqual(rebuilt.map((p) => p.name).sort());
    const live = Object.fromEntries(engineAndWorker.engine.liveProjections.map((p) => [p.name, p.contents()]));
    const liveStreams = (live['executions.engine-streams'] as { streams: Map<string, unknown> }).streams;
    expect(liveStreams.size).toBeGreaterThan(40); // 12 executions, their jobs and lanes: a history worth comparing
    for (const projection of rebuilt) {
      expect({ [projection.name]: projection.contents() }).toEqual({ [projection.name]: live[projection.name] });
    }

    // The command does the same on the configured store.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts/rebuild-projections.mjs'), '--json', '--only', 'executions.engine-streams,executions.pipeline-catalog'], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: engineAndWorker.env.schema, SLUICE_KAFKA_BROKERS: '' },
    });
    const summary = JSON.parse(stdout) as { events: number; projections: Array<{ name: string; folded: number; checkpoint: string | null }> };
    expect(summary.events).toBe(result.events);
    expect(summary.projections).toEqual(rebuilt.map((p) => ({ name: p.name, folded: result.folded[p.name], checkpoint: String(p.checkpoint()) })));

    // The queries' read model (decision 0069) is rebuilt in place by the command: the same rows after as before.
    const tables = new ExecutionsReadModel(readModelDatabaseOf(engineAndWorker.env.store)!);
    const before = await tables.contents();
    const inPlace = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts/rebuild-projections.mjs'), '--json', '--only', 'executions.read-model'], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: engineAndWorker.env.schema, SLUICE_KAFKA_BROKERS: '' },
    });
    const durable = (JSON.parse(inPlace.stdout) as { projections: Array<{ name: string; folded: number; checkpoint: string | null }> }).projections;
    expect(durable).toEqual([{ name: 'executions.read-model', folded: expect.any(Number), checkpoint: String(head) }]);
    expect(durable[0]!.folded).toBeGreaterThan(100);
    expect(await tables.contents()).toEqual(before);
  });

  it('refuses to open an embedded store another process has open', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sluice-rebuild-'));
    writeFileSync(join(folder, 'postmaster.pid'), '-42\n'); // what PGlite keeps there while a process has the folder open
    try {
      const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts/rebuild-projections.mjs')], {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, SLUICE_EVENT_STORE: folder, SLUICE_KAFKA_BROKERS: '' },
      });
      await expect(run).rejects.toMatchObject({ code: 3, stderr: expect.stringContaining('Stop the platform first') });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
