import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HttpArtifactStore, JOB_ID_HEADER, openFilesystemArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import { approvalStage, COMMANDS_BUILD as BUILD, commandsStage, pipelineDefinition, stage, uploadSourceAction, UPLOAD_SOURCE as SOURCE } from '@sluice/testing/fixtures';
import { jobWorkerPolicy } from '@sluice/authz';
import { workerToken } from './worker-credential';
import type { RunningGateway } from '@sluice/gateway';
import { codesOf, gatewayClient, type Caller, eventually, startGatewayOnSubgraphs, type GatewayOnSubgraphs, adminCaller } from '@sluice/gateway/testing';

// Decisions 0027 and 0038 through the gateway, with two accounts: each has its admin and a worker principal (the
// distributed mode's `sluice-worker` user, allowed only the job-worker actions on its account). The services (the
// artifacts service among them) run as OS processes on one PostgreSQL schema behind their internal secret; the workers
// are this test, speaking the GraphQL job API and uploading their outputs to the gateway's `PUT /artifacts/{account}`.
let platform: GatewayOnSubgraphs | undefined;
let gateway: RunningGateway;
let eventStore: EventStore;
let workDir: string;

type Gql = ReturnType<typeof gatewayClient>;
type Who = 'acmeAdmin' | 'globexAdmin' | 'acmeWorker' | 'globexWorker' | 'acmeToolWorker' | 'acmeReader' | 'acmeStarter';
const as: Record<Who, Gql> = {} as never;
const tokens: Record<Who, string> = {} as never;

const address = (char: string): string => char.repeat(64);
const MY_TOOL = { category: 'Build', owner: 'Custom', provider: 'MyTool', version: '1' };
const pipeline = (name: string) =>
  pipelineDefinition({
    name,
    executionMode: 'PARALLEL',
    stages: [
      stage('Source', uploadSourceAction('site.zip', { runOrder: 1, output: 'Src' })),
      commandsStage('Build', ['make'], { action: 'Make', runOrder: 1, inputs: 'Src', outputs: 'Out' }),
      approvalStage('Gate'),
    ],
  });

interface PolledJob {
  id: string;
  nonce: string;
  accountId: string;
  data: { pipelineExecutionId: string; stageName: string; actionName: string; inputArtifacts: Array<{ name: string; location: string }> };
}
const POLL = `mutation($t: ActionTypeIdInput!, $wait: Int) { pollForJobs(actionTypeId: $t, maxBatchSize: 1, waitMs: $wait) {
  id nonce accountId data { pipelineExecutionId stageName actionName inputArtifacts { name location } } } }`;
const ACK = 'mutation($id: ID!, $nonce: String!) { acknowledgeJob(jobId: $id, nonce: $nonce) { status } }';
const HEARTBEAT = 'mutation($id: ID!, $nonce: String!) { heartbeat(jobId: $id, nonce: $nonce) { leaseExpiresAt } }';
const SUCCEED = 'mutation($id: ID!, $out: [ArtifactLocationInput!]) { putJobSuccessResult(jobId: $id, outputArtifacts: $out) }';
const FAIL = 'mutation($id: ID!) { putJobFailureResult(jobId: $id, failureDetails: { type: JobFailed, message: "forged" }) }';
const LOGS = 'mutation($id: ID!, $nonce: String!) { appendJobLogs(jobId: $id, nonce: $nonce, entries: [{ sequence: 0, stream: stdout, chunk: "forged", at: "2026-03-01T10:00:00Z" }]) }';
const DETAILS = 'query($id: ID!) { getJobDetails(jobId: $id) { status } }';
const START = `mutation($name: String!, $revisions: [SourceRevisionOverrideInput!]) {
  startPipelineExecution(name: $name, sourceRevisions: $revisions) { pipelineExecutionId } }`;
const EXECUTION = 'query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status } }';
const STATE = 'query($name: String!) { getPipelineState(name: $name) { stageStates { stageName latestExecution { pipelineExecutionId } actionStates { actionName latestExecution { token } } } } }';

const ok = <T>(answer: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};

/** `PUT /artifacts/{account}` on the gateway with `who`'s token, as the output of `jobId`: the status and the answer. */
async function uploadAs(who: Who, account: string, jobId: string | undefined, bytes: Buffer): Promise<{ status: number; body: { sha256?: string; size?: number; error?: string; field?: string; message?: string } }> {
  const response = await fetch(`${gateway.url}/artifacts/${account}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/octet-stream', ...(jobId ? { [JOB_ID_HEADER]: jobId } : {}) },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** The address of `bytes` once `who` uploaded them as the output of `jobId` into its own account. */
async function uploaded(who: Who, account: string, jobId: string, bytes: Buffer = randomBytes(64)): Promise<string> {
  const answer = await uploadAs(who, account, jobId, bytes);
  expect(answer).toEqual({ status: 201, body: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length } });
  return answer.body.sha256!;
}

async function poll(worker: Gql, actionTypeId: Record<string, string>, waitMs = 5_000): Promise<PolledJob[]> {
  return ok(await worker<{ pollForJobs: PolledJob[] }>(POLL, { t: actionTypeId, wait: waitMs }), 'pollForJobs').pollForJobs;
}

/** A job of `executionId` at `worker`, acknowledged. */
async function take(worker: Gql, actionTypeId: Record<string, string>, executionId: string): Promise<PolledJob> {
  const job = await eventually(async () => (await poll(worker, actionTypeId)).find((polled) => polled.data.pipelineExecutionId === executionId), `a job of ${executionId}`);
  ok(await worker(ACK, { id: job.id, nonce: job.nonce }), 'acknowledgeJob');
  return job;
}

async function start(admin: Gql, name: string, revisions?: unknown[]): Promise<string> {
  return ok(await admin<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { name, revisions }), `start ${name}`).startPipelineExecution.pipelineExecutionId;
}

/** An execution through Source and Build by `worker`, each uploading its output; resolves at the approval with its token and Build's output. */
async function runToGate(admin: Gql, who: 'acmeWorker' | 'globexWorker', name: string, output: Buffer = randomBytes(64)): Promise<{ executionId: string; jobIds: string[]; token: string; built: string }> {
  const worker = as[who];
  const account = who === 'acmeWorker' ? 'acme' : 'globex';
  const executionId = await start(admin, name);
  const source = await take(worker, SOURCE, executionId);
  ok(await worker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: await uploaded(who, account, source.id) }] }), 'source result');
  const build = await take(worker, BUILD, executionId);
  const built = await uploaded(who, account, build.id, output);
  ok(await worker(SUCCEED, { id: build.id, out: [{ name: 'Out', location: built }] }), 'build result');
  const token = await eventually(async () => {
    const state = ok(await admin<{ getPipelineState: { stageStates: Array<{ stageName: string; latestExecution: { pipelineExecutionId: string } | null; actionStates: Array<{ latestExecution: { token: string | null } | null }> }> } }>(STATE, { name }), 'state');
    const gate = state.getPipelineState.stageStates.find((stage) => stage.stageName === 'Gate');
    return gate?.latestExecution?.pipelineExecutionId === executionId ? (gate.actionStates[0]?.latestExecution?.token ?? undefined) : undefined;
  }, `the approval of ${executionId}`);
  return { executionId, jobIds: [source.id, build.id], token, built };
}

/** A user of the admin's account with one policy (a document, or a managed one), and a token for it. */
async function userToken(admin: Gql, userName: string, policy: { document: unknown } | { managedPolicy: string }): Promise<string> {
  ok(await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), 'createUser');
  const attach =
    'document' in policy
      ? admin('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "only-this", document: $d) { name } }', { u: userName, d: policy.document })
      : admin('mutation($u: String!, $m: String) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: $m) { name } }', { u: userName, m: policy.managedPolicy });
  ok(await attach, 'attachPolicy');
  return ok(await admin<{ createToken: { token: string } }>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName }), 'createToken').createToken.token;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sluice-account-owned-'));
  platform = await startGatewayOnSubgraphs({ subgraphs: { artifactsDir: join(workDir, 'artifacts') } });
  ({ gateway, eventStore } = platform);
  const admins: Record<string, Caller> = { acme: await adminCaller(eventStore, 'acme'), globex: await adminCaller(eventStore, 'globex') };
  const client = (who: Who, account: string, actor: string, token: string) => {
    tokens[who] = token;
    as[who] = gatewayClient(gateway.url, { account, actor, token });
  };
  client('acmeAdmin', 'acme', 'admin', admins.acme!.token!);
  client('globexAdmin', 'globex', 'admin', admins.globex!.token!);
  client('acmeWorker', 'acme', 'sluice-worker', await workerToken(gateway.url, admins.acme!.token!, 'acme'));
  client('globexWorker', 'globex', 'sluice-worker', await workerToken(gateway.url, admins.globex!.token!, 'globex'));
  // Less than admin in acme: a worker of one custom action type (AWS's job-worker policy on one actiontype ARN),
  // and a reader of everything (ReadOnly).
  client('acmeToolWorker', 'acme', 'mytool-worker', await userToken(as.acmeAdmin, 'mytool-worker', { document: jobWorkerPolicy('acme', ['Custom/Build/MyTool/1']).document }));
  const startOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:StartPipelineExecution', Resource: 'srn:sluice:acme:web' }] };
  client('acmeStarter', 'acme', 'sam', await userToken(as.acmeAdmin, 'sam', { document: startOnly }));
  client('acmeReader', 'acme', 'rita', await userToken(as.acmeAdmin, 'rita', { managedPolicy: 'ReadOnly' }));
  for (const admin of [as.acmeAdmin, as.globexAdmin]) ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: pipeline('web') }), 'createPipeline');
  // The executions service learns pipelines from the bus: wait until a start is accepted.
  for (const admin of [as.acmeAdmin, as.globexAdmin]) {
    await eventually(async () => ((await admin('query { getPipelineState(name: "web") { pipelineName } }')).data ? true : undefined), 'the pipeline at the executions service');
  }
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('jobs belong to their account', () => {
  it("answers another account's worker as for an unknown job at every call, changes nothing, and the own worker completes it", async () => {
    const executionId = await start(as.acmeAdmin, 'web');
    const [job] = await eventually(async () => {
      const jobs = await poll(as.acmeWorker, SOURCE);
      return jobs.length > 0 ? jobs : undefined;
    }, 'the Source job at acme');
    expect(job!).toMatchObject({ accountId: 'acme', data: { pipelineExecutionId: executionId } });
    expect(job!.id).toMatch(/^[0-9a-f]{32}$/);
    expect(job!.nonce).toMatch(/^[0-9a-f]{32}$/);

    expect(await poll(as.globexWorker, SOURCE, 0)).toEqual([]);
    const unknown = 'f'.repeat(32);
    const calls: Array<[string, string, Record<string, unknown>]> = [
      ['getJobDetails', DETAILS, {}],
      ['acknowledgeJob', ACK, { nonce: job!.nonce }],
      ['heartbeat', HEARTBEAT, { nonce: job!.nonce }],
      ['putJobSuccessResult', SUCCEED, { out: [{ name: 'Src', location: address('9') }] }],
      ['putJobFailureResult', FAIL, {}],
      ['appendJobLogs', LOGS, { nonce: job!.nonce }],
    ];
    // Their worker (rights on action types only) is refused at the account, and their admin (account-wide rights)
    // is told "not found": each word for word what an id that never was gets, so nothing tells that the job exists.
    for (const [caller, code] of [[as.globexWorker, 'FORBIDDEN'], [as.globexAdmin, 'NOT_FOUND']] as const) {
      for (const [field, query, variables] of calls) {
        const theirs = await caller(query, { id: job!.id, ...variables });
        const nobodys = await caller(query, { id: unknown, ...variables });
        expect([field, codesOf(theirs)]).toEqual([field, [code]]);
        expect(theirs.errors![0]!.message.replace(job!.id, '<id>')).toBe(nobodys.errors![0]!.message.replace(unknown, '<id>'));
      }
    }
    expect(ok(await as.acmeWorker<{ getJobDetails: { status: string } }>(DETAILS, { id: job!.id }), 'details').getJobDetails.status).toBe('Dispatched');

    ok(await as.acmeWorker(ACK, { id: job!.id, nonce: job!.nonce }), 'acknowledgeJob');
    ok(await as.acmeWorker(HEARTBEAT, { id: job!.id, nonce: job!.nonce }), 'heartbeat');
    const output = await uploaded('acmeWorker', 'acme', job!.id);
    ok(await as.acmeWorker(SUCCEED, { id: job!.id, out: [{ name: 'Src', location: output }] }), 'putJobSuccessResult');
    const build = await take(as.acmeWorker, BUILD, executionId);
    expect(build.data.inputArtifacts).toEqual([{ name: 'Src', location: output }]);
  }, 60_000);
});

describe('artifacts belong to their account', () => {
  // acme's own upload, kept for the Upload start below.
  let acmeUpload = '';

  it("refuses a job result naming another account's upload, naming the output, and takes the account's own upload", async () => {
    const { built: theirs } = await runToGate(as.globexAdmin, 'globexWorker', 'web');

    const executionId = await start(as.acmeAdmin, 'web');
    const source = await take(as.acmeWorker, SOURCE, executionId);
    const refused = await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: theirs }] });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned' }] });
    expect(ok(await as.acmeWorker<{ getJobDetails: { status: string } }>(DETAILS, { id: source.id }), 'details').getJobDetails.status).toBe('InProgress');
    // Its worker's own upload is the job's to name, and its input passed on.
    acmeUpload = await uploaded('acmeWorker', 'acme', source.id);
    ok(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: acmeUpload }] }), 'own result');
    const build = await take(as.acmeWorker, BUILD, executionId);
    ok(await as.acmeWorker(SUCCEED, { id: build.id, out: [{ name: 'Out', location: acmeUpload }] }), 'input passed on');
    await eventually(async () => ((await as.acmeAdmin<{ getPipelineExecution: { status: string } }>(EXECUTION, { name: 'web', id: executionId })).data?.getPipelineExecution.status === 'InProgress' ? true : undefined), 'the run at its gate');
  }, 60_000);

  it('refuses bytes written straight into the store (nobody uploaded them), and takes them once uploaded, stored once', async () => {
    const bytes = randomBytes(256);
    // What the built-in worker did before it uploaded, and what an operator may still do: bytes nobody holds a claim on.
    const store = await openFilesystemArtifactStore({ root: join(workDir, 'artifacts') });
    const written = (await store.put(Readable.from([bytes]))).sha256;
    const executionId = await start(as.globexAdmin, 'web');
    const source = await take(as.globexWorker, SOURCE, executionId);
    const refused = await as.globexWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: written }] });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned' }] });
    expect(ok(await as.globexWorker<{ getJobDetails: { status: string } }>(DETAILS, { id: source.id }), 'details').getJobDetails.status).toBe('InProgress');

    // acme's upload is acme's: globex's worker may not name it either.
    const refusedTheirs = await as.globexWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: acmeUpload }] });
    expect(refusedTheirs.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned' }] });

    // The same bytes uploaded by globex's worker for its job: the same address, kept once, now globex's to name.
    expect(await uploaded('globexWorker', 'globex', source.id, bytes)).toBe(written);
    const addresses: string[] = [];
    for await (const address of store.list()) addresses.push(address);
    expect(addresses.filter((address) => address === written)).toEqual([written]);
    await store.close();
    ok(await as.globexWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: written }] }), 'own upload');
    const build = await take(as.globexWorker, BUILD, executionId);
    expect(build.data.inputArtifacts).toEqual([{ name: 'Src', location: written }]);
  }, 60_000);

  it('takes an Upload source archive from whoever may upload one, and starts only from the account\'s own archive', async () => {
    const bytes = randomBytes(48);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // A reader, a start-only user and a job worker may not upload a source archive; nothing is claimed by trying.
    for (const who of ['acmeReader', 'acmeStarter', 'acmeWorker'] as const) {
      const answer = await uploadAs(who, 'acme', undefined, bytes);
      expect([who, answer.status, answer.body.message]).toEqual([who, 403, expect.stringContaining('sluice:UploadSourceArchive')]);
    }
    const revisions = (value: string) => [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: value }];
    const refused = await as.acmeAdmin(START, { name: 'web', revisions: revisions(sha256) });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '$.sourceRevisions[0].revisionValue' }] });
    // Into another account: refused at the path, whoever asks.
    expect(await uploadAs('acmeAdmin', 'globex', undefined, bytes)).toMatchObject({ status: 403, body: { field: 'path.account' } });
    // acme's admin uploads it: acme's to start from, not globex's.
    expect(await uploadAs('acmeAdmin', 'acme', undefined, bytes)).toEqual({ status: 201, body: { sha256, size: bytes.length } });
    expect(await start(as.acmeAdmin, 'web', revisions(sha256))).toMatch(/^[0-9a-f-]{36}$/);
    const theirs = await as.globexAdmin(START, { name: 'web', revisions: revisions(sha256) });
    expect(theirs.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '$.sourceRevisions[0].revisionValue', message: `The uploaded archive ${sha256} was not found in account globex.` }] });
  }, 60_000);

  it("uploads only for a job of the token's account, into that account, with the rights to report that job's result", async () => {
    const executionId = await start(as.acmeAdmin, 'web');
    const source = await take(as.acmeWorker, SOURCE, executionId);
    const globexRun = await start(as.globexAdmin, 'web');
    const theirJob = await take(as.globexWorker, SOURCE, globexRun);
    const bytes = randomBytes(32);

    // Into another account: refused, naming the path.
    expect(await uploadAs('acmeWorker', 'globex', theirJob.id, bytes)).toMatchObject({ status: 403, body: { error: 'forbidden', field: 'path.account' } });
    // Another account's job, into its own account: its worker (rights on action types only) is refused at the
    // account, its admin told "not found", as for a job that never was.
    expect(await uploadAs('acmeWorker', 'acme', theirJob.id, bytes)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await uploadAs('acmeAdmin', 'acme', theirJob.id, bytes)).toMatchObject({ status: 404, body: { error: 'not_found', message: `Job '${theirJob.id}' was not found.` } });
    // No job named: a source archive, which a worker (job rights only) may not upload; a bad job id or no token: refused.
    expect(await uploadAs('acmeWorker', 'acme', undefined, bytes)).toMatchObject({ status: 403, body: { message: expect.stringContaining('sluice:UploadSourceArchive on srn:sluice:acme:') } });
    expect((await fetch(`${gateway.url}/artifacts/acme`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.acmeWorker}`, [JOB_ID_HEADER]: 'no/such job' }, body: 'x' })).status).toBe(400);
    expect((await fetch(`${gateway.url}/artifacts/%ZZ`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.acmeWorker}`, [JOB_ID_HEADER]: source.id }, body: 'x' })).status).toBe(400);
    const anonymous = await fetch(`${gateway.url}/artifacts/acme`, { method: 'PUT', headers: { [JOB_ID_HEADER]: source.id }, body: new Uint8Array(bytes) });
    expect(anonymous.status).toBe(401);
    // A worker of one custom type may not upload for a built-in type's job; neither may a starter or a reader.
    for (const who of ['acmeToolWorker', 'acmeStarter', 'acmeReader'] as const) {
      const answer = await uploadAs(who, 'acme', source.id, bytes);
      expect([who, answer.status, answer.body.message]).toEqual([who, 403, expect.stringContaining('sluice:PutJobSuccessResult on srn:sluice:acme:actiontype/Sluice/Source/Upload/1')]);
    }
    // None of those stored a claim: the job's own worker may still not name the bytes until it uploads them.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(codesOf(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: sha256 }] }))).toEqual(['BAD_USER_INPUT']);
    expect(await uploaded('acmeWorker', 'acme', source.id, bytes)).toBe(sha256);
    ok(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: sha256 }] }), 'own upload');
  }, 60_000);

  it('streams an upload through the gateway; one whose source fails stores nothing and claims nothing', async () => {
    const executionId = await start(as.acmeAdmin, 'web');
    const source = await take(as.acmeWorker, SOURCE, executionId);
    // The worker's own client (services/worker main.ts): chunked, no length known in advance.
    const uploads = new HttpArtifactStore(new URL(gateway.url), 'acme', { authorization: `Bearer ${tokens.acmeWorker}`, [JOB_ID_HEADER]: source.id });
    const chunk = randomBytes(1024 * 1024);
    const hash = createHash('sha256');
    const chunks = function* () {
      for (let i = 0; i < 8; i += 1) {
        hash.update(chunk);
        yield chunk;
      }
    };
    const stored = await uploads.put(Readable.from(chunks()));
    expect(stored).toEqual({ sha256: hash.digest('hex'), size: 8 * 1024 * 1024 });
    // A declared length counts as one request, however large: 40 MiB is more than the default burst's worth of 16 KiB.
    const large = randomBytes(40 * 1024 * 1024);
    expect((await uploadAs('acmeWorker', 'acme', source.id, large)).status).toBe(201);

    const partial = randomBytes(512 * 1024);
    const failing = Readable.from(
      (async function* () {
        yield partial;
        throw new Error('the disk went away');
      })(),
    );
    await expect(uploads.put(failing)).rejects.toThrow('the disk went away');
    const sha256 = createHash('sha256').update(partial).digest('hex');
    const store = await openFilesystemArtifactStore({ root: join(workDir, 'artifacts') });
    expect(await store.has(sha256)).toBe(false);
    await store.close();
    expect(codesOf(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: sha256 }] }))).toEqual(['BAD_USER_INPUT']);
    ok(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: stored.sha256 }] }), 'the streamed upload');
  }, 60_000);

  it("lets a worker allowed only its custom type's job actions upload its job's output", async () => {
    const input = {
      category: 'Build', provider: 'MyTool', version: '1', configurationProperties: [],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 0 }, outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
    };
    ok(await as.acmeAdmin('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input }), 'createCustomActionType');
    const tool = pipelineDefinition({
      name: 'tool',
      stages: [
        stage('Source', uploadSourceAction('tool.zip', { runOrder: 1, output: 'Src' })),
        stage('Build', { name: 'Tool', actionTypeId: MY_TOOL, runOrder: 1, configuration: {}, inputArtifacts: [], outputArtifacts: [{ name: 'Out' }] } as never),
      ],
    });
    ok(await as.acmeAdmin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: tool }), 'createPipeline tool');
    const executionId = await eventually(async () => (await as.acmeAdmin<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { name: 'tool' })).data?.startPipelineExecution.pipelineExecutionId, 'the tool pipeline at the executions service');
    const source = await take(as.acmeWorker, SOURCE, executionId);
    ok(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: await uploaded('acmeWorker', 'acme', source.id) }] }), 'source result');
    const job = await take(as.acmeToolWorker, MY_TOOL, executionId);
    const output = await uploaded('acmeToolWorker', 'acme', job.id);
    ok(await as.acmeToolWorker(SUCCEED, { id: job.id, out: [{ name: 'Out', location: output }] }), 'its result');
    // The upload is in the trail as the job's result is: attempted before a byte moved, then its outcome (shown once, by
    // the outcome naming its attempt).
    const AUDIT = 'query($f: AuditEventFilter!) { lookupAuditEvents(filter: $f, first: 100) { edges { node { resource requestParameters result resultOf } } } }';
    type Record = { resource: string; requestParameters: { jobId?: string; account?: string }; result: { status: string }; resultOf: string | null };
    const trail = ok(await as.acmeAdmin<{ lookupAuditEvents: { edges: Array<{ node: Record }> } }>(AUDIT, { f: { operation: 'sluice:PutJobSuccessResult' } }), 'audit');
    // The upload's parameters name the account it went into (the GraphQL result's do not).
    const records = trail.lookupAuditEvents.edges.map((edge) => edge.node).filter((record) => record.requestParameters.jobId === job.id && record.requestParameters.account === 'acme');
    expect(records).toEqual([{ resource: 'srn:sluice:acme:actiontype/Custom/Build/MyTool/1', requestParameters: { account: 'acme', jobId: job.id }, result: { status: 'succeeded' }, resultOf: expect.any(String) }]);
    await eventually(async () => ((await as.acmeAdmin<{ getPipelineExecution: { status: string } }>(EXECUTION, { name: 'tool', id: executionId })).data?.getPipelineExecution.status === 'Succeeded' ? true : undefined), 'the tool run succeeded');
  }, 60_000);

  it("refuses an Upload start naming another account's archive, before any job, as a missing archive", async () => {
    const { built: theirs } = await runToGate(as.globexAdmin, 'globexWorker', 'web');
    const refused = await as.acmeAdmin(START, { name: 'web', revisions: [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: theirs }] });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.sourceRevisions[0].revisionValue', message: `The uploaded archive ${theirs} was not found in account acme.` }] });
    // The same answer as for an archive nobody has: nothing tells that globex holds it.
    const started = await start(as.acmeAdmin, 'web', [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: acmeUpload }]);
    const job = await take(as.acmeWorker, SOURCE, started);
    expect(job.data.pipelineExecutionId).toBe(started);
  }, 60_000);
});

describe('ids and tokens handed out are drawn', () => {
  it('two identical runs get unrelated job ids and approval tokens (random UUIDs)', async () => {
    const output = randomBytes(64);
    const first = await runToGate(as.acmeAdmin, 'acmeWorker', 'web', output);
    const second = await runToGate(as.acmeAdmin, 'acmeWorker', 'web', output);
    for (const run of [first, second]) {
      expect(run.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const jobId of run.jobIds) expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(second.token).not.toBe(first.token);
    expect(second.jobIds.filter((id) => first.jobIds.includes(id))).toEqual([]);
    // A token answers only its own account's approval.
    const APPROVE = 'mutation($t: String!) { putApprovalResult(pipelineName: "web", stageName: "Gate", actionName: "Approve", token: $t, result: { status: Approved, summary: "ok" }) { approvedAt } }';
    expect(codesOf(await as.globexAdmin(APPROVE, { t: first.token }))).toEqual(['NOT_FOUND']);
  }, 90_000);
});

describe('job workers act on the action types they are allowed', () => {
  const RELEASE = 'mutation($id: ID!, $nonce: String!) { releaseJob(jobId: $id, nonce: $nonce, reason: "the worker is stopping") }';

  it("refuses a custom type's worker every call on a built-in type's jobs, and a reader the job's details; the platform's worker takes them", async () => {
    const executionId = await start(as.acmeAdmin, 'web');
    // Its own type: allowed (nothing waits). A built-in type: refused before any job is handed out, also among its own.
    expect(await poll(as.acmeToolWorker, MY_TOOL, 0)).toEqual([]);
    expect(codesOf(await as.acmeToolWorker(POLL, { t: SOURCE, wait: 0 }))).toEqual(['FORBIDDEN']);
    const POLL_ANY = 'mutation($t: [ActionTypeIdInput!]!) { pollForAnyJobs(actionTypeIds: $t, maxBatchSize: 4) { id } }';
    const mixed = await as.acmeToolWorker(POLL_ANY, { t: [MY_TOOL, SOURCE] });
    expect(codesOf(mixed)).toEqual(['FORBIDDEN']);
    expect(mixed.errors![0]!.message).toContain('srn:sluice:acme:actiontype/Sluice/Source/Upload/1');
    expect(ok(await as.acmeToolWorker<{ pollForAnyJobs: unknown[] }>(POLL_ANY, { t: [MY_TOOL] }), 'own type').pollForAnyJobs).toEqual([]);
    // The platform's worker takes it with one poll over every type it serves.
    const [polled] = await eventually(async () => {
      const answer = ok(await as.acmeWorker<{ pollForAnyJobs: PolledJob[] }>(`mutation($t: [ActionTypeIdInput!]!) { pollForAnyJobs(actionTypeIds: $t, maxBatchSize: 4, waitMs: 5000) {
        id nonce accountId data { pipelineExecutionId stageName actionName inputArtifacts { name location } } } }`, { t: [BUILD, SOURCE] }), 'pollForAnyJobs').pollForAnyJobs;
      return answer.some((job) => job.data.pipelineExecutionId === executionId) ? answer.filter((job) => job.data.pipelineExecutionId === executionId) : undefined;
    }, 'the Source job through pollForAnyJobs');
    ok(await as.acmeWorker(ACK, { id: polled!.id, nonce: polled!.nonce }), 'acknowledgeJob');
    const job = polled!;
    // Knowing a built-in job's id and nonce (its log names the id to readers) gives a custom type's worker nothing.
    for (const [field, query, variables] of [
      ['getJobDetails', DETAILS, {}],
      ['acknowledgeJob', ACK, { nonce: job.nonce }],
      ['heartbeat', HEARTBEAT, { nonce: job.nonce }],
      ['releaseJob', RELEASE, { nonce: job.nonce }],
      ['putJobSuccessResult', SUCCEED, { out: [{ name: 'Src', location: address('e') }] }],
      ['putJobFailureResult', FAIL, {}],
      ['appendJobLogs', LOGS, { nonce: job.nonce }],
    ] as const) {
      expect([field, codesOf(await as.acmeToolWorker(query, { id: job.id, ...variables }))]).toEqual([field, ['FORBIDDEN']]);
    }
    // Allowed to start the pipeline, not to take or read its jobs.
    expect(codesOf(await as.acmeStarter(POLL, { t: SOURCE, wait: 0 }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await as.acmeStarter(DETAILS, { id: job.id }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await as.acmeStarter(SUCCEED, { id: job.id, out: [] }))).toEqual(['FORBIDDEN']);
    // Reading the account's pipelines is not reading its jobs' resolved configuration.
    expect(codesOf(await as.acmeReader(DETAILS, { id: job.id }))).toEqual(['FORBIDDEN']);
    expect(ok(await as.acmeReader<{ getPipelineExecution: { status: string } }>(EXECUTION, { name: 'web', id: executionId }), 'reader').getPipelineExecution.status).toBe('InProgress');
    ok(await as.acmeWorker(SUCCEED, { id: job.id, out: [{ name: 'Src', location: await uploaded('acmeWorker', 'acme', job.id) }] }), 'the platform worker completes it');
  }, 60_000);

  it('hands a job its holder releases out again at once, as attempt 2, saying why in the log', async () => {
    const executionId = await start(as.acmeAdmin, 'web');
    const first = await eventually(async () => (await poll(as.acmeWorker, SOURCE)).find((polled) => polled.data.pipelineExecutionId === executionId), 'the Source job');
    // Only the holder's nonce releases it.
    expect(ok(await as.acmeWorker<{ releaseJob: boolean }>(RELEASE, { id: first.id, nonce: 'f'.repeat(32) }), 'wrong nonce').releaseJob).toBe(false);
    expect(ok(await as.acmeWorker<{ releaseJob: boolean }>(RELEASE, { id: first.id, nonce: first.nonce }), 'release').releaseJob).toBe(true);
    const again = await poll(as.acmeWorker, SOURCE, 0);
    expect(again.map((polled) => polled.id)).toEqual([first.id]);
    expect(again[0]!.nonce).not.toBe(first.nonce);
    // The old nonce holds nothing any more.
    expect(codesOf(await as.acmeWorker(ACK, { id: first.id, nonce: first.nonce }))).not.toEqual([]);
    const LOG = 'query($id: ID!) { actionLogs(pipelineExecutionId: $id, stageName: "Source") { entries { stream chunk } } }';
    const note = await eventually(async () => {
      const entries = ok(await as.acmeAdmin<{ actionLogs: { entries: Array<{ stream: string; chunk: string }> } }>(LOG, { id: executionId }), 'logs').actionLogs.entries;
      return entries.find((entry) => entry.stream === 'system' && entry.chunk.includes('attempt 2'));
    }, 'the attempt note');
    expect(note.chunk).toMatch(/attempt 2: the worker .* holding attempt 1 stopped \(the worker is stopping\)/);
  }, 60_000);
});
