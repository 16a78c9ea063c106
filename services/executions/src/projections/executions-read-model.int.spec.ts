import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ActionDeclaration, ActionTypeId, PipelineDeclaration, RuleDeclaration } from '@sluice/domain';
import { createPostgresEventStore, DurableRebuildable, readModelDatabaseOf, rebuildProjections, type ReadModelDatabase } from '@sluice/eventing';
import type { PipelineRef } from '@sluice/contracts';
import { testPostgresUrl } from '@sluice/testing';
import type { Caller } from '../application/caller';
import { approvalAction, commandsAction, gridPipeline, pipeline, stage } from '../domain/testing/fixtures';
import { engineWithWorkerForFile } from '../testing/engine-with-worker';
import { approvalToken, finishedStatus, publishAndWait } from '../testing/engine-waits';
import { dropTestSchema, newTestSchema } from '../testing/test-schema';
import { EngineStreamsProjection } from './engine-streams-projection';
import type { ExecutionViews } from './execution-views';
import { ExecutionsReadModel } from './executions-read-model';

// The queries' durable read model (decision 0069) on the real engine and PostgreSQL: after a history with every kind
// of view (versions, superseded and queued executions, a failure and its retry, approvals, rejections, a rerun, a
// rollback, deployments to environments, stage conditions), every query the tables answer equals what the in-memory
// folds of the same store answer; a rebuild from zero in another schema equals the live tables; a restart reads only
// what its checkpoint has not seen; folded one event per batch, reading its rows back each time, it ends the same.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const directory: ActionTypeId = { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' };
const terminal = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];

const deployTo = (name: string, environment: string): ActionDeclaration => ({ name, actionTypeId: directory, runOrder: 1, configuration: { Path: `/srv/${environment}` }, environment });

const engineAndWorker = engineWithWorkerForFile({
  actionTypeIds: [commands, directory],
  pollWaitMs: 200,
  plan: (job) => {
    if (job.data.actionName.startsWith('Broken')) return { kind: 'fail', message: 'exit code 2' };
    if (job.data.actionName.startsWith('Flaky') && job.data.actionExecutionId.endsWith('/1')) return { kind: 'fail', message: 'flaked' };
    return { kind: 'succeed', result: { executionSummary: `ran ${job.data.actionName}`, outputVariables: { ACTION: job.data.actionName } } };
  },
});

const publish = (declaration: PipelineDeclaration) => publishAndWait(engineAndWorker.env, engineAndWorker.engine, alice, declaration);
const finished = (pipelineName: string, executionId: string) => finishedStatus(engineAndWorker.engine, alice, pipelineName, executionId);
const approvalTokenOf = (pipelineName: string, stageIndex: number) => approvalToken(engineAndWorker.engine, alice, pipelineName, stageIndex);

/** Every view both implementations give, for the pipelines, executions and tokens named: what must be equal. */
async function everyView(views: ExecutionViews, pipelines: PipelineRef[], executionIds: string[], tokens: string[]) {
  return {
    pipelines: await Promise.all(
      pipelines.map(async (pipeline) => ({
        state: await views.pipelineState(pipeline),
        summaries: await views.summaries(pipeline),
        actions: await views.actionDetails(pipeline, null),
        rules: await views.ruleDetails(pipeline, null),
        deployments: await views.deployments(pipeline),
        perExecution: await Promise.all(executionIds.map(async (id) => [await views.actionDetails(pipeline, id), await views.ruleDetails(pipeline, id)])),
      })),
    ),
    executions: await Promise.all(executionIds.map(async (id) => [await views.execution(id), await views.pipelineOf(id), await views.expiryOf(id)])),
    approvals: await Promise.all(tokens.map((token) => views.approval(token))),
  };
}

describe('the executions read model in tables', () => {
  it('answers every query as the in-memory folds of the same store do, rebuilds equal, and restarts after its checkpoint', async () => {
    const { engine, env } = engineAndWorker;
    const onlyMain: RuleDeclaration = { name: 'OnlyMain', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' }, configuration: { Variable: '#{variables.BRANCH}', Operator: 'EQ', Value: 'main' } };
    const ifMain = { beforeEntry: { conditions: [{ result: 'FAIL' as const, rules: [onlyMain] }] } };
    await publish({ ...gridPipeline(2, 2), name: 'grid' });
    await publish({ ...gridPipeline(2, 2, 'QUEUED'), name: 'queue' });
    await publish(pipeline([stage('Build', [commandsAction('Flaky')]), stage('Deploy', [commandsAction('Ship')])], { name: 'flaky' }));
    await publish(pipeline([stage('Build', [commandsAction('Compile')]), stage('Gate', [approvalAction('Approve')]), stage('Deploy', [commandsAction('Ship')])], { name: 'gated' }));
    await publish(
      pipeline([stage('Build', [commandsAction('Compile')]), stage('Staging', [deployTo('ToStaging', 'staging')]), stage('Prod', [deployTo('ToProd', 'prod')], ifMain)], {
        name: 'release',
        executionMode: 'PARALLEL',
        variables: [{ name: 'BRANCH', defaultValue: 'main' }],
      }),
    );

    const ids: string[] = [];
    const start = async (name: string, variables: Array<{ name: string; value: string }> = []) => {
      const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name, variables });
      ids.push(pipelineExecutionId);
      return pipelineExecutionId;
    };
    const grid = await Promise.all([1, 2, 3].map(() => start('grid')));
    const queue = await Promise.all([1, 2].map(() => start('queue')));
    const flaky = await start('flaky');
    const approved = await start('gated');
    const tokens = [await approvalTokenOf('gated', 1)];
    await engine.putApprovalResult(alice, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: tokens[0]!, result: { status: 'Approved', summary: 'ok' } });
    expect(await finished('gated', approved)).toBe('Succeeded');
    const rejected = await start('gated');
    tokens.push(await approvalTokenOf('gated', 1));
    await engine.putApprovalResult(alice, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: tokens[1]!, result: { status: 'Rejected', summary: 'no' } });
    expect(await finished('gated', rejected)).toBe('Failed');
    expect(await finished('flaky', flaky)).toBe('Failed');
    await engine.retryStageExecution(alice, { pipelineName: 'flaky', stageName: 'Build', pipelineExecutionId: flaky, retryMode: 'FAILED_ACTIONS' });
    expect(await finished('flaky', flaky)).toBe('Succeeded');
    const onMain = await start('release');
    const onBranch = await start('release', [{ name: 'BRANCH', value: 'feature' }]);
    expect(await finished('release', onMain)).toBe('Succeeded');
    expect(await finished('release', onBranch)).toBe('Failed');
    const { pipelineExecutionId: rerun } = await engine.rerunStage(alice, { pipelineName: 'release', stageName: 'Staging', sourcePipelineExecutionId: onMain });
    ids.push(rerun);
    expect(await finished('release', rerun)).toBe('Succeeded');
    const { pipelineExecutionId: rollback } = await engine.rollbackStage(alice, { pipelineName: 'release', stageName: 'Prod', targetPipelineExecutionId: onMain });
    ids.push(rollback);
    expect(await finished('release', rollback)).toBe('Succeeded');
    for (const id of queue) expect(await finished('queue', id)).toBe('Succeeded');
    for (const id of grid) expect(terminal).toContain(await finished('grid', id));
    await engineAndWorker.worker.stop();

    // The live tables, as the engine's queries read them, against the in-memory folds of every stored event.
    const head = (await env.eventsOf('')).at(-1)!.position;
    await engine.waitForPosition(head);
    const database = readModelDatabaseOf(env.store)!;
    const tables = new ExecutionsReadModel(database);
    // On a PostgreSQL built with LZ4 (Debian's), an execution's large columns compress with it (decision 0075).
    const compression = await database.query(
      `SELECT attname, attcompression::text AS method FROM pg_attribute WHERE attrelid = '"${database.schema}".execution_records'::regclass AND attname IN ('state', 'action_details') ORDER BY attname`,
    );
    expect(compression).toEqual([{ attname: 'action_details', method: 'l' }, { attname: 'state', method: 'l' }]);
    const folds = new EngineStreamsProjection({ withReadModels: true });
    for (const event of await env.eventsOf('')) if (folds.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) folds.apply(event);
    const pipelines = ['grid', 'queue', 'flaky', 'gated', 'release', 'nothing-ran'].map((name) => ({ account: 'acme', name }));
    const other = { account: 'globex', name: 'grid' };
    const fromTables = await everyView(tables, [...pipelines, other], [...ids, 'no-such-execution'], [...tokens, 'no-such-token']);
    expect(fromTables).toEqual(await everyView(folds.views(), [...pipelines, other], [...ids, 'no-such-execution'], [...tokens, 'no-such-token']));
    // A history worth comparing: every kind of view is there.
    const release = fromTables.pipelines[4]!;
    expect(release.summaries.map((summary) => summary.executionType)).toEqual(['STANDARD', 'STANDARD', 'RERUN', 'ROLLBACK']);
    expect(release.deployments!.map((deployment) => deployment.environment).sort()).toEqual(['prod', 'prod', 'staging', 'staging', 'staging']);
    expect(release.rules!.length).toBeGreaterThanOrEqual(2);
    expect(fromTables.approvals.filter(Boolean)).toHaveLength(2);
    expect(fromTables.pipelines[2]!.actions!.map((detail) => [detail.actionName, detail.status])).toEqual([['Flaky', 'Failed'], ['Flaky', 'Succeeded'], ['Ship', 'Succeeded']]);
    // Another account's pipeline of the same name has no views.
    expect(fromTables.pipelines[6]).toMatchObject({ state: undefined, summaries: [], actions: undefined, deployments: undefined });

    // Rebuilt from zero into another schema: the same rows.
    const side = newTestSchema();
    const sideStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema: side });
    try {
      const sideDatabase: ReadModelDatabase = readModelDatabaseOf(sideStore)!;
      const rebuilt = new DurableRebuildable(sideDatabase, new ExecutionsReadModel(sideDatabase));
      const result = await rebuildProjections(env.store, [rebuilt]);
      expect(result.lastPosition).toBe(head);
      expect(await rebuilt.contents()).toEqual(await tables.contents());
      // Rebuilt again one event per batch, so every event is folded into rows read back from the tables (the row
      // keeps its views without what its other columns hold, and puts them back when read): the same rows.
      const oneByOne = new DurableRebuildable(sideDatabase, new ExecutionsReadModel(sideDatabase), 1);
      await rebuildProjections(env.store, [oneByOne]);
      expect(await oneByOne.contents()).toEqual(await tables.contents());
    } finally {
      await sideStore.close();
      await dropTestSchema(side);
    }

    // A restart resumes after the checkpoint: nothing was appended since, so it reads no event (the engine's in-memory
    // states still replay).
    const restarted = await env.startEngine();
    try {
      const summaries = await restarted.listPipelineExecutions(alice, 'release');
      expect(summaries.pipelineExecutionSummaries.map((summary) => summary.pipelineExecutionId)).toEqual([rollback, rerun, onBranch, onMain]);
      expect(restarted.diagnostics().readModelEventsRead).toBe(0);
    } finally {
      await restarted.stop();
    }
  });

  it('folds each event once across a kill -9 between a commit and the next batch: the restart equals a rebuild from zero', async () => {
    // The history above, copied stream by stream into a store of its own, folded by a child process killed after its
    // third commit (batches of 40), then by another that resumes after the checkpoint the first committed last.
    const { env } = engineAndWorker;
    const copy = newTestSchema();
    const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema: copy });
    const rebuiltSchema = newTestSchema();
    const rebuiltStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema: rebuiltSchema });
    try {
      const history = await env.eventsOf('');
      for (const event of history) {
        await store.append(event.streamId, [{ type: event.type, data: event.data, metadata: event.metadata }], { expectedRevision: event.revision === 0n ? 'no_stream' : event.revision - 1n });
      }
      const model = new ExecutionsReadModel(readModelDatabaseOf(store)!);
      const folded = (await store.readAll({ maxCount: 100_000 })).filter((event) => model.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)));
      const child = join(__dirname, '../testing/read-model-child.ts');
      const run = (config: object) => promisify(execFile)(process.execPath, ['--import', 'tsx', child, JSON.stringify({ url: testPostgresUrl(), schema: copy, batchSize: 40, ...config })], { timeout: 60_000 });
      const killed = await run({ crashAfterCommits: 3 }).then(
        () => null,
        (error: { signal?: string; stdout?: string }) => error,
      );
      expect(killed?.signal).toBe('SIGKILL');
      const commits = killed?.stdout?.trim().split('\n') ?? [];
      expect(commits).toHaveLength(3);
      const committed = BigInt(commits[2]!.slice('folded '.length));
      expect(committed).toBeLessThan(folded.at(-1)!.position);
      const { stdout } = await run({});
      // The restart read only what the killed process had not committed.
      expect(stdout.trim().split('\n').at(-1)).toBe(`caught-up ${folded.filter((event) => event.position > committed).length}`);
      const rebuilt = new DurableRebuildable(readModelDatabaseOf(rebuiltStore)!, new ExecutionsReadModel(readModelDatabaseOf(rebuiltStore)!));
      await rebuildProjections(store, [rebuilt]);
      const recovered = await model.contents();
      expect((recovered as { records: unknown[] }).records.length).toBeGreaterThan(10);
      expect(recovered).toEqual(await rebuilt.contents());
    } finally {
      await store.close();
      await rebuiltStore.close();
      await dropTestSchema(copy);
      await dropTestSchema(rebuiltSchema);
    }
  });
});
