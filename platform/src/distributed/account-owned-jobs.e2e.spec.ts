import { randomBytes } from 'node:crypto';
import type { EventStore } from '@sluice/eventing';
import { approvalStage, COMMANDS_BUILD as BUILD, commandsStage, pipelineDefinition, stage, uploadSourceAction, UPLOAD_SOURCE as SOURCE } from '@sluice/testing/fixtures';
import { jobWorkerPolicy } from '@sluice/authz';
import { workerToken } from './worker-credential';
import type { RunningGateway } from '@sluice/gateway';
import { codesOf, gatewayClient, type Caller, eventually, startGatewayOnSubgraphs, type GatewayOnSubgraphs, adminCaller } from '@sluice/gateway/testing';

// Decision 0027 through the gateway, with two accounts: each has its admin and a worker principal (the distributed
// mode's `sluice-worker` user, allowed only the job-worker actions on its account). The services run as OS processes
// on one PostgreSQL schema behind their internal secret; the workers are this test, speaking the GraphQL job API.
let platform: GatewayOnSubgraphs | undefined;
let gateway: RunningGateway;
let eventStore: EventStore;

type Gql = ReturnType<typeof gatewayClient>;
const as: Record<'acmeAdmin' | 'globexAdmin' | 'acmeWorker' | 'globexWorker' | 'acmeToolWorker' | 'acmeReader' | 'acmeStarter', Gql> = {} as never;

const address = (char: string): string => char.repeat(64);
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

/** An execution through Source and Build by `worker`, Build naming `location`; resolves at the approval with its token. */
async function runToGate(admin: Gql, worker: Gql, name: string, location: string): Promise<{ executionId: string; jobIds: string[]; token: string }> {
  const executionId = await start(admin, name);
  const source = await take(worker, SOURCE, executionId);
  // New bytes of its own (what a worker writing the store reports): nobody holds them yet.
  ok(await worker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: randomBytes(32).toString('hex') }] }), 'source result');
  const build = await take(worker, BUILD, executionId);
  ok(await worker(SUCCEED, { id: build.id, out: [{ name: 'Out', location }] }), 'build result');
  const token = await eventually(async () => {
    const state = ok(await admin<{ getPipelineState: { stageStates: Array<{ stageName: string; latestExecution: { pipelineExecutionId: string } | null; actionStates: Array<{ latestExecution: { token: string | null } | null }> }> } }>(STATE, { name }), 'state');
    const gate = state.getPipelineState.stageStates.find((stage) => stage.stageName === 'Gate');
    return gate?.latestExecution?.pipelineExecutionId === executionId ? (gate.actionStates[0]?.latestExecution?.token ?? undefined) : undefined;
  }, `the approval of ${executionId}`);
  return { executionId, jobIds: [source.id, build.id], token };
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
  platform = await startGatewayOnSubgraphs();
  ({ gateway, eventStore } = platform);
  const admins: Record<string, Caller> = { acme: await adminCaller(eventStore, 'acme'), globex: await adminCaller(eventStore, 'globex') };
  as.acmeAdmin = gatewayClient(gateway.url, admins.acme!);
  as.globexAdmin = gatewayClient(gateway.url, admins.globex!);
  as.acmeWorker = gatewayClient(gateway.url, { account: 'acme', actor: 'sluice-worker', token: await workerToken(gateway.url, admins.acme!.token!, 'acme') });
  as.globexWorker = gatewayClient(gateway.url, { account: 'globex', actor: 'sluice-worker', token: await workerToken(gateway.url, admins.globex!.token!, 'globex') });
  // Less than admin in acme: a worker of one custom action type (AWS's job-worker policy on one actiontype ARN),
  // and a reader of everything (ReadOnly).
  as.acmeToolWorker = gatewayClient(gateway.url, { account: 'acme', actor: 'mytool-worker', token: await userToken(as.acmeAdmin, 'mytool-worker', { document: jobWorkerPolicy('acme', ['Custom/Build/MyTool/1']).document }) });
  const startOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:StartPipelineExecution', Resource: 'srn:sluice:acme:web' }] };
  as.acmeStarter = gatewayClient(gateway.url, { account: 'acme', actor: 'sam', token: await userToken(as.acmeAdmin, 'sam', { document: startOnly }) });
  as.acmeReader = gatewayClient(gateway.url, { account: 'acme', actor: 'rita', token: await userToken(as.acmeAdmin, 'rita', { managedPolicy: 'ReadOnly' }) });
  for (const admin of [as.acmeAdmin, as.globexAdmin]) ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: pipeline('web') }), 'createPipeline');
  // The executions service learns pipelines from the bus: wait until a start is accepted.
  for (const admin of [as.acmeAdmin, as.globexAdmin]) {
    await eventually(async () => ((await admin('query { getPipelineState(name: "web") { pipelineName } }')).data ? true : undefined), 'the pipeline at the executions service');
  }
}, 180_000);

afterAll(async () => {
  await platform?.stop();
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
    ok(await as.acmeWorker(SUCCEED, { id: job!.id, out: [{ name: 'Src', location: address('a') }] }), 'putJobSuccessResult');
    const build = await take(as.acmeWorker, BUILD, executionId);
    expect(build.data.inputArtifacts).toEqual([{ name: 'Src', location: address('a') }]);
  }, 60_000);
});

describe('artifacts belong to their account', () => {
  it("refuses a job result naming another account's bytes, naming the output, and takes the account's own", async () => {
    const theirs = address('b');
    await runToGate(as.globexAdmin, as.globexWorker, 'web', theirs);

    const executionId = await start(as.acmeAdmin, 'web');
    const source = await take(as.acmeWorker, SOURCE, executionId);
    const refused = await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: theirs }] });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned' }] });
    expect(ok(await as.acmeWorker<{ getJobDetails: { status: string } }>(DETAILS, { id: source.id }), 'details').getJobDetails.status).toBe('InProgress');
    // Its input passed on, or new bytes its worker wrote, are the job's to name.
    ok(await as.acmeWorker(SUCCEED, { id: source.id, out: [{ name: 'Src', location: address('c') }] }), 'own result');
    const build = await take(as.acmeWorker, BUILD, executionId);
    ok(await as.acmeWorker(SUCCEED, { id: build.id, out: [{ name: 'Out', location: address('c') }] }), 'input passed on');
    await eventually(async () => ((await as.acmeAdmin<{ getPipelineExecution: { status: string } }>(EXECUTION, { name: 'web', id: executionId })).data?.getPipelineExecution.status === 'InProgress' ? true : undefined), 'the run at its gate');
  }, 60_000);

  it("refuses an Upload start naming another account's archive, before any job, as a missing archive", async () => {
    const theirs = address('b');
    const refused = await as.acmeAdmin(START, { name: 'web', revisions: [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: theirs }] });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ issues: [{ path: '$.sourceRevisions[0].revisionValue', message: `The uploaded archive ${theirs} was not found in account acme.` }] });
    // The same answer as for an archive nobody has: nothing tells that globex holds it.
    const mine = address('c');
    const started = await start(as.acmeAdmin, 'web', [{ actionName: 'Upload', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: mine }]);
    const job = await take(as.acmeWorker, SOURCE, started);
    expect(job.data.pipelineExecutionId).toBe(started);
  }, 60_000);
});

describe('ids and tokens handed out are drawn', () => {
  it('two identical runs get unrelated job ids and approval tokens (random UUIDs)', async () => {
    const first = await runToGate(as.acmeAdmin, as.acmeWorker, 'web', address('d'));
    const second = await runToGate(as.acmeAdmin, as.acmeWorker, 'web', address('d'));
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
  const MY_TOOL = { category: 'Build', owner: 'Custom', provider: 'MyTool', version: '1' };

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
    ok(await as.acmeWorker(SUCCEED, { id: job.id, out: [{ name: 'Src', location: address('e') }] }), 'the platform worker completes it');
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
