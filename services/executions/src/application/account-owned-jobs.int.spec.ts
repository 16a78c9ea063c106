import { NotFoundError, ValidationError, type ActionTypeId, type PipelineDeclaration } from '@sluice/domain';
import { IllegalStateError } from '../domain';
import { type JobEvent } from '@sluice/contracts';
import { pipeline, stage } from '../domain/testing/fixtures';
import type { ExecutionsEngine } from '../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../testing/engine-test-environment';
import { eventually } from '../testing/eventually';
import { PipelinePublisher } from '../testing/pipeline-publisher';
import type { Caller } from './caller';
import { workerOfAccount } from './job-worker-api';

// Decision 0027 on the engine and the real PostgreSQL store, two accounts: what a job result may name, the
// archive an Upload source may extract, ids and tokens nobody can work out, and jobs of a worker known gone.
const acme: Caller = { account: 'acme', actor: 'alice' };
const globex: Caller = { account: 'globex', actor: 'gina' };
const acmeWorker = workerOfAccount('acme');
const globexWorker = workerOfAccount('globex');
const custom = (provider: string): ActionTypeId => ({ category: 'Build', owner: 'Custom', provider, version: '1' });
const upload: ActionTypeId = { category: 'Source', owner: 'Sluice', provider: 'Upload', version: '1' };
const address = (char: string): string => char.repeat(64);

let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
const publishers: Record<string, PipelinePublisher> = {};

async function publish(caller: Caller, declaration: PipelineDeclaration): Promise<void> {
  const version = await publishers[caller.account]!.publish(declaration);
  await engine.pipelineCatalog.whenKnown({ account: caller.account, name: declaration.name }, version);
}

/** An upload through the artifacts service, as its `PUT /artifacts/{account}` records it (services/artifacts). */
async function uploaded(account: string, sha256: string): Promise<void> {
  const data = { sha256, account, size: 3, uploadedBy: 'someone', uploadedAt: new Date().toISOString() };
  await env.store.append(`artifact-${sha256}`, [{ type: 'ArtifactUploaded', data, metadata: { account, actor: 'someone', occurredAt: data.uploadedAt } }]);
}

const jobEvents = async (jobId: string): Promise<string[]> => (await env.store.readStream(`job-${jobId}`)).map((event) => (event as unknown as JobEvent).type);
const failureOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

async function finished(caller: Caller, pipelineName: string, executionId: string): Promise<string> {
  let status = '';
  await eventually(
    async () => ['Succeeded', 'Failed', 'Stopped'].includes((status = (await engine.getPipelineExecution(caller, pipelineName, executionId)).status)),
    () => `${executionId} is ${status}`,
  );
  return status;
}

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  engine = await env.startEngine();
  publishers.acme = env.publisher;
  publishers.globex = new PipelinePublisher(env.store, 'globex', 'gina');
});

afterAll(async () => {
  await env?.stop();
});

describe('a job result names only its inputs and bytes its account may name', () => {
  it("refuses another account's upload and bytes nobody uploaded, changing nothing; takes its own upload", async () => {
    const type = custom('Produce');
    const declaration = (name: string) => pipeline([stage('Build', [{ name: 'Make', actionTypeId: type, runOrder: 1, outputArtifacts: [{ name: 'Out' }] }])], { name });
    await publish(acme, declaration('produce'));
    await publish(globex, declaration('produce'));
    const theirs = address('1');
    await uploaded('globex', theirs);

    const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'produce' });
    const [job] = await engine.pollForJobs(type, 1, { waitMs: 10_000, account: 'acme' });
    await engine.acknowledgeJob(job!.id, job!.nonce, acmeWorker);
    const refused = await failureOf(engine.putJobSuccessResult(job!.id, { outputArtifacts: [{ name: 'Out', location: theirs }] }, acmeWorker));
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned', message: expect.stringContaining('neither an input of this job nor an artifact of account acme') }] });
    expect(await jobEvents(job!.id)).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged']);

    // Bytes written straight into the store (no upload, no execution names them) are nobody's: refused too.
    const fresh = address('2');
    const unclaimed = await failureOf(engine.putJobSuccessResult(job!.id, { outputArtifacts: [{ name: 'Out', location: fresh }] }, acmeWorker));
    expect(unclaimed).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned' }] });
    expect(await jobEvents(job!.id)).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged']);
    // Its worker's upload makes them acme's.
    await uploaded('acme', fresh);
    await engine.putJobSuccessResult(job!.id, { outputArtifacts: [{ name: 'Out', location: fresh }] }, acmeWorker);
    expect(await finished(acme, 'produce', pipelineExecutionId)).toBe('Succeeded');

    // acme uploaded `fresh` and its execution produced it: globex may not name it.
    const other = await engine.startPipelineExecution(globex, { name: 'produce' });
    const [theirJob] = await engine.pollForJobs(type, 1, { waitMs: 10_000, account: 'globex' });
    expect(theirJob!.data.executionId).toBe(other.pipelineExecutionId);
    await engine.acknowledgeJob(theirJob!.id, theirJob!.nonce, globexWorker);
    await expect(engine.putJobSuccessResult(theirJob!.id, { outputArtifacts: [{ name: 'Out', location: fresh }] }, globexWorker)).rejects.toBeInstanceOf(ValidationError);
    await engine.putJobSuccessResult(theirJob!.id, { outputArtifacts: [{ name: 'Out', location: theirs }] }, globexWorker);
    expect(await finished(globex, 'produce', other.pipelineExecutionId)).toBe('Succeeded');
  });

  it("takes from the platform's own worker what it reports: it wrote those bytes itself", async () => {
    const type = custom('Builtin');
    await publish(acme, pipeline([stage('Build', [{ name: 'Make', actionTypeId: type, runOrder: 1, outputArtifacts: [{ name: 'Out' }] }])], { name: 'builtin' }));
    await uploaded('globex', address('3'));
    const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'builtin' });
    const [job] = await engine.pollForJobs(type, 1, { waitMs: 10_000 });
    await engine.acknowledgeJob(job!.id, job!.nonce);
    // Equal bytes are stored once: the same output as another account's upload is still this job's own output.
    await engine.putJobSuccessResult(job!.id, { outputArtifacts: [{ name: 'Out', location: address('3') }] });
    expect(await finished(acme, 'builtin', pipelineExecutionId)).toBe('Succeeded');
  });
});

describe('an Upload source extracts only an archive of its account', () => {
  const uploadPipeline = (name: string, objectKey: string) =>
    pipeline([stage('Source', [{ name: 'Upload', actionTypeId: upload, runOrder: 1, configuration: { ObjectKey: objectKey }, outputArtifacts: [{ name: 'Src' }] }])], {
      name,
      variables: [{ name: 'Archive', defaultValue: 'none.zip' }],
    });

  it("refuses a start naming another account's archive, before any execution or job, as a missing archive", async () => {
    const theirs = address('4');
    await uploaded('globex', theirs);
    await publish(acme, uploadPipeline('upload-override', 'site.zip'));
    const byRevision = await failureOf(
      engine.startPipelineExecution(acme, { name: 'upload-override', sourceRevisions: [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: theirs }] }),
    );
    expect(byRevision).toBeInstanceOf(ValidationError);
    expect(byRevision).toMatchObject({ issues: [{ path: '$.sourceRevisions[0].revisionValue', message: `The uploaded archive ${theirs} was not found in account acme.` }] });

    await publish(acme, uploadPipeline('upload-key', theirs));
    const byKey = await failureOf(engine.startPipelineExecution(acme, { name: 'upload-key' }));
    expect(byKey).toMatchObject({ issues: [{ path: '$.pipeline.stages[0].actions[0].configuration.ObjectKey' }] });
    expect((await engine.listPipelineExecutions(acme, 'upload-override', {})).pipelineExecutionSummaries).toEqual([]);
    expect((await engine.listPipelineExecutions(acme, 'upload-key', {})).pipelineExecutionSummaries).toEqual([]);

    // An archive nobody uploaded (bytes written straight into the store, or none at all) is no account's either.
    const nobodys = address('7');
    const byNobody = await failureOf(
      engine.startPipelineExecution(acme, { name: 'upload-override', sourceRevisions: [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: nobodys }] }),
    );
    expect(byNobody).toMatchObject({ issues: [{ path: '$.sourceRevisions[0].revisionValue', message: `The uploaded archive ${nobodys} was not found in account acme.` }] });

    // Its own upload starts, and the Upload job is handed out with it.
    const own = address('5');
    await uploaded('acme', own);
    await engine.startPipelineExecution(acme, { name: 'upload-override', sourceRevisions: [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: own }] });
    const [job] = await engine.pollForJobs(upload, 1, { waitMs: 10_000, account: 'acme' });
    expect(job!.data.sourceRevision).toMatchObject({ revisionId: own });
  });

  it('fails an Upload job whose archive, resolved from a variable, is another account\'s, before a worker has it', async () => {
    const theirs = address('6');
    await uploaded('globex', theirs);
    await publish(acme, uploadPipeline('upload-variable', '#{variables.Archive}'));
    const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'upload-variable', variables: [{ name: 'Archive', value: theirs }] });
    // The worker polling meets no job: the dispatch fails it instead of handing it out.
    expect(await engine.pollForJobs(upload, 1, { waitMs: 1_500, account: 'acme' })).toEqual([]);
    expect(await finished(acme, 'upload-variable', pipelineExecutionId)).toBe('Failed');
    const [action] = (await engine.listActionExecutions(acme, 'upload-variable', { pipelineExecutionId })).actionExecutionDetails;
    expect(action).toMatchObject({ status: 'Failed', output: { executionResult: { errorDetails: expect.stringContaining(`The uploaded archive ${theirs} was not found in account acme.`) } } });
  });
});

describe('ids and tokens nobody can work out', () => {
  it('two identical runs get unrelated job ids and approval tokens', async () => {
    const type = custom('Twice');
    const approval = { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } as const;
    await publish(acme, pipeline([stage('Both', [{ name: 'Work', actionTypeId: type, runOrder: 1 }, { name: 'Approve', actionTypeId: approval, runOrder: 1 }])], { name: 'twice' }));
    const runs = [];
    for (let i = 0; i < 2; i += 1) {
      const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'twice' });
      const [job] = await engine.pollForJobs(type, 1, { waitMs: 10_000 });
      let token: string | null = null;
      await eventually(
        async () => (token = (await engine.getPipelineState(acme, 'twice')).stageStates[0]!.actionStates.find((a) => a.actionName === 'Approve')?.latestExecution?.token ?? null) !== null,
        () => 'no approval token',
      );
      runs.push({ pipelineExecutionId, jobId: job!.id, nonce: job!.nonce, token: token! });
      await engine.stopPipelineExecution(acme, { pipelineName: 'twice', pipelineExecutionId, abandon: true });
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(first.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(first.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.jobId).not.toBe(first.jobId);
    expect(second.token).not.toBe(first.token);
    for (const run of runs) {
      expect(run.jobId).not.toContain(run.pipelineExecutionId);
      expect(run.token).not.toContain(run.pipelineExecutionId);
    }
  });

  it('a client request token gives the same execution on every engine of the store, and nothing outside the store derives it', async () => {
    await publish(acme, pipeline([stage('Build', [{ name: 'Make', actionTypeId: custom('Token'), runOrder: 1 }])], { name: 'token' }));
    const other = await env.startEngine();
    await other.pipelineCatalog.whenKnown({ account: 'acme', name: 'token' }, 1);
    const once = await engine.startPipelineExecution(acme, { name: 'token', clientRequestToken: 'commit-abc' });
    expect((await other.startPipelineExecution(acme, { name: 'token', clientRequestToken: 'commit-abc' })).pipelineExecutionId).toBe(once.pipelineExecutionId);
    // An engine with another key (another platform) names another execution for the same (account, pipeline, token).
    const elsewhere = await env.startEngine({ executionIdKey: Buffer.alloc(32, 1) });
    await elsewhere.pipelineCatalog.whenKnown({ account: 'acme', name: 'token' }, 1);
    expect((await elsewhere.startPipelineExecution(acme, { name: 'token', clientRequestToken: 'commit-abc' })).pipelineExecutionId).not.toBe(once.pipelineExecutionId);
  });
});

describe('a job of a worker known to be gone', () => {
  it('is handed out again at once, as attempt 2, and the action log says why', async () => {
    const type = custom('Restarted');
    await publish(acme, pipeline([stage('Build', [{ name: 'Long', actionTypeId: type, runOrder: 1 }])], { name: 'restarted' }));
    const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'restarted' });
    const [held] = await engine.pollForJobs(type, 1, { waitMs: 10_000, workerId: 'platform-worker:abc:old' });
    await engine.acknowledgeJob(held!.id, held!.nonce);
    await engine.appendJobLogs(held!.id, held!.nonce, [{ sequence: 0, stream: 'stdout', chunk: 'first attempt\n', at: new Date().toISOString() }]);

    // A worker of another process, and one with another prefix, keep theirs.
    expect(await engine.releaseJobs({ workerIdPrefix: 'platform-worker:other:' }, 'the platform restarted')).toEqual([]);
    const released = Date.now();
    expect(await engine.releaseJobs({ workerIdPrefix: 'platform-worker:abc:', except: 'platform-worker:abc:new' }, 'the platform restarted')).toEqual([held!.id]);
    const [again] = await engine.pollForJobs(type, 1, { waitMs: 10_000, workerId: 'platform-worker:abc:new' });
    expect(Date.now() - released).toBeLessThan(2_000);
    expect(again!.id).toBe(held!.id);
    expect(again!.nonce).not.toBe(held!.nonce);
    await expect(engine.heartbeat(held!.id, held!.nonce)).rejects.toBeInstanceOf(IllegalStateError);

    await engine.acknowledgeJob(again!.id, again!.nonce);
    await engine.appendJobLogs(again!.id, again!.nonce, [{ sequence: 0, stream: 'stdout', chunk: 'second attempt\n', at: new Date().toISOString() }]);
    await engine.putJobSuccessResult(again!.id, {});
    expect(await finished(acme, 'restarted', pipelineExecutionId)).toBe('Succeeded');
    const log = (await engine.actionLogs(acme, pipelineExecutionId, { stageName: 'Build', actionName: 'Long' })).entries.map((entry) => entry.chunk);
    expect(log).toEqual([
      'first attempt\n',
      '[sluice] attempt 2: the worker platform-worker:abc:old holding attempt 1 stopped (the platform restarted); the job was handed out again.\n',
      'second attempt\n',
    ]);
    expect(await jobEvents(held!.id)).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged', 'JobRequeued', 'JobDispatched', 'JobAcknowledged', 'JobSucceeded']);
  });

  it("is another account's own: a worker of another account cannot touch it", async () => {
    const type = custom('Private');
    await publish(acme, pipeline([stage('Build', [{ name: 'Mine', actionTypeId: type, runOrder: 1 }])], { name: 'private' }));
    await engine.startPipelineExecution(acme, { name: 'private' });
    const [job] = await engine.pollForJobs(type, 1, { waitMs: 10_000, account: 'acme' });
    for (const call of [
      engine.getJobDetails(job!.id, globexWorker),
      engine.acknowledgeJob(job!.id, job!.nonce, globexWorker),
      engine.heartbeat(job!.id, job!.nonce, globexWorker),
      engine.putJobSuccessResult(job!.id, {}, globexWorker),
      engine.putJobFailureResult(job!.id, { type: 'JobFailed', message: 'forged' }, globexWorker),
      engine.appendJobLogs(job!.id, job!.nonce, [{ sequence: 0, stream: 'stdout', chunk: 'forged', at: new Date().toISOString() }], globexWorker),
    ]) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`The job '${job!.id}' does not exist.`);
    }
    expect(await jobEvents(job!.id)).toEqual(['JobCreated', 'JobDispatched']);
    await engine.acknowledgeJob(job!.id, job!.nonce, acmeWorker);
    expect((await engine.getJobDetails(job!.id, acmeWorker)).status).toBe('InProgress');
  });
});

describe("a job the platform's own worker claims (decision 0060)", () => {
  it('is dispatched and acknowledged by the poll, and its result is taken without an acknowledgeJob', async () => {
    const type = custom('Claimed');
    await publish(acme, pipeline([stage('Build', [{ name: 'Claimed', actionTypeId: type, runOrder: 1 }])], { name: 'claimed' }));
    const { pipelineExecutionId } = await engine.startPipelineExecution(acme, { name: 'claimed' });
    const [job] = await engine.pollForAnyJobs([type], 1, { waitMs: 10_000, workerId: 'platform-worker:claims', claim: true });
    expect(job!.acknowledged).toBe(true);
    expect(await jobEvents(job!.id)).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged']);
    const [dispatched, acknowledged] = (await env.store.readStream(`job-${job!.id}`)).slice(1);
    // One append: the two events carry the same command's metadata.
    expect(acknowledged!.metadata.correlationId).toBe(dispatched!.metadata.correlationId);
    expect((await engine.getJobDetails(job!.id)).status).toBe('InProgress');
    await engine.putJobSuccessResult(job!.id, {});
    expect(await finished(acme, 'claimed', pipelineExecutionId)).toBe('Succeeded');
  });

  it("is only dispatched for a worker of an account, which acknowledges as CodePipeline's workers do", async () => {
    const type = custom('NotClaimed');
    await publish(acme, pipeline([stage('Build', [{ name: 'Polled', actionTypeId: type, runOrder: 1 }])], { name: 'not-claimed' }));
    await engine.startPipelineExecution(acme, { name: 'not-claimed' });
    const [job] = await engine.pollForJobs(type, 1, { waitMs: 10_000, account: 'acme', claim: true });
    expect(job!.acknowledged).toBeUndefined();
    expect(await jobEvents(job!.id)).toEqual(['JobCreated', 'JobDispatched']);
    await expect(engine.putJobSuccessResult(job!.id, {}, acmeWorker)).rejects.toBeInstanceOf(IllegalStateError);
    await engine.acknowledgeJob(job!.id, job!.nonce, acmeWorker);
    expect((await engine.getJobDetails(job!.id, acmeWorker)).status).toBe('InProgress');
  });
});
