import { ConflictError, NotFoundError, type ActionTypeId, type PipelineDeclaration } from '@sluice/domain';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import type { ServiceProcess } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';
import { graphqlJobApi } from '@sluice/worker';
import type { PolledJob } from '@sluice/worker';
import { approvalAction, commandsAction, gridPipeline, pipeline, stage } from '../domain/testing/fixtures';
import { eventually } from '../testing/eventually';
import { startExecutionsService } from '../testing/executions-service-process';
import { PipelinePublisher } from '../testing/pipeline-publisher';
import { startTestWorker, type TestWorker } from '../testing/test-worker';
import { dropTestSchema, newTestSchema } from '../testing/test-schema';
import { graphqlAs, errorCodes } from '@sluice/graphql-service/testing';

// The executions subgraph through HTTP POST /graphql: the service in a child process on the real PostgreSQL
// store (its own in-process bus and relay); pipelines are appended to the store as the pipelines service does,
// and a worker speaks the job-worker protocol over GraphQL only.
const schema = newTestSchema();
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const unserved: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'NobodyPolls', version: '1' };
let service: ServiceProcess;
let store: PostgresEventStore;
let publisher: PipelinePublisher;
let worker: TestWorker<PolledJob>;

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  publisher = new PipelinePublisher(store);
  service = await startExecutionsService(schema);
  // The platform's own worker (no account: every account's jobs), reaching the subgraph with its internal secret.
  worker = startTestWorker(graphqlJobApi({ url: `${service.url}/graphql`, headers: { 'x-sluice-internal-secret': service.internalSecret } }), {
    actionTypeIds: [commands],
    plan: (job) => ({ kind: 'succeed', result: { executionSummary: `ran ${job.data.actionName}` } }),
    pollWaitMs: 2_000,
  });
});

afterAll(async () => {
  await worker?.stop();
  await service?.stop();
  await store?.close();
  await dropTestSchema(schema);
});

const gql = graphqlAs(() => service);

const EXECUTION = 'pipelineExecutionId pipelineName pipelineVersion status statusSummary executionMode executionType trigger { triggerType triggerDetail } variables { name value }';
const START = `mutation($name: String!, $variables: [PipelineVariableInput!], $clientRequestToken: String) {
  startPipelineExecution(name: $name, variables: $variables, clientRequestToken: $clientRequestToken) { ${EXECUTION} } }`;
const GET_EXECUTION = `query($pipelineName: String!, $id: ID!) { getPipelineExecution(pipelineName: $pipelineName, pipelineExecutionId: $id) { ${EXECUTION} } }`;
const STATE = `query($name: String!) { getPipelineState(name: $name) { pipelineName pipelineVersion
  stageStates { stageName inboundTransitionState { enabled } latestExecution { pipelineExecutionId status }
    actionStates { actionName latestExecution { status summary token } } } } }`;

/** Appends the definition to the store; resolves once the service's engine has it (the relay carried it). */
async function publish(declaration: PipelineDeclaration): Promise<void> {
  const version = await publisher.publish(declaration);
  let answer = '';
  await eventually(
    async () => {
      const state = await gql(STATE, { name: declaration.name });
      answer = JSON.stringify(state.errors ?? state.data);
      return state.data?.getPipelineState.pipelineVersion === version;
    },
    () => `pipeline ${declaration.name} v${version} not known: ${answer}`,
  );
}

async function finished(pipelineName: string, id: string): Promise<string> {
  let status = '';
  await eventually(
    async () => ['Succeeded', 'Failed', 'Stopped', 'Superseded'].includes((status = (await gql(GET_EXECUTION, { pipelineName, id })).data!.getPipelineExecution.status)),
    () => `${id} is ${status}`,
  );
  return status;
}

describe('executions subgraph over HTTP', () => {
  it('runs 3 stages x 4 actions to Succeeded with a worker on the GraphQL job API, and answers the reads', async () => {
    await publish({ ...gridPipeline(3, 4), name: 'grid' });
    const started = await gql(START, { name: 'grid' });
    expect(started.errors).toBeUndefined();
    const execution = started.data!.startPipelineExecution;
    expect(execution).toMatchObject({ pipelineName: 'grid', pipelineVersion: 1, executionMode: 'SUPERSEDED', executionType: 'STANDARD', trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'alice' } });
    const id: string = execution.pipelineExecutionId;
    expect(await finished('grid', id)).toBe('Succeeded');

    const state = (await gql(STATE, { name: 'grid' })).data!.getPipelineState;
    expect(state.stageStates.map((s: { stageName: string; latestExecution: { status: string } }) => [s.stageName, s.latestExecution.status])).toEqual([
      ['Stage1', 'Succeeded'],
      ['Stage2', 'Succeeded'],
      ['Stage3', 'Succeeded'],
    ]);
    expect(state.stageStates[2].actionStates[3]).toEqual({ actionName: 'Action4', latestExecution: { status: 'Succeeded', summary: 'ran Action4', token: null } });

    const list = await gql(`query { listPipelineExecutions(pipelineName: "grid", filter: { statuses: [Succeeded] }) { nodes { pipelineExecutionId status } pageInfo { hasNextPage endCursor } } }`);
    expect(list.data!.listPipelineExecutions).toEqual({ nodes: [{ pipelineExecutionId: id, status: 'Succeeded' }], pageInfo: { hasNextPage: false, endCursor: null } });

    const ACTIONS = `query($id: ID, $after: String) { listActionExecutions(pipelineName: "grid", pipelineExecutionId: $id, first: 8, after: $after) {
      nodes { actionExecutionId stageName actionName status durationMs input { actionTypeId { provider } resolvedConfiguration } output { executionResult { externalExecutionSummary } } }
      pageInfo { hasNextPage endCursor } } }`;
    const first = (await gql(ACTIONS, { id })).data!.listActionExecutions;
    expect(first.nodes).toHaveLength(8);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await gql(ACTIONS, { id, after: first.pageInfo.endCursor })).data!.listActionExecutions;
    expect(second.nodes).toHaveLength(4);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect([...first.nodes, ...second.nodes].every((n: { status: string; input: { actionTypeId: { provider: string } } }) => n.status === 'Succeeded' && n.input.actionTypeId.provider === 'Commands')).toBe(true);
    expect(second.nodes[3]).toMatchObject({ stageName: 'Stage3', actionName: 'Action4', output: { executionResult: { externalExecutionSummary: 'ran Action4' } } });
  });

  it('re-runs one stage of a finished execution in one call, as a new execution with the same inputs', async () => {
    await publish({ ...gridPipeline(3, 1), name: 'rerun' });
    const source: string = (await gql(START, { name: 'rerun' })).data!.startPipelineExecution.pipelineExecutionId;
    expect(await finished('rerun', source)).toBe('Succeeded');
    const RERUN = `mutation($source: ID!) { rerunStage(pipelineName: "rerun", stageName: "Stage2", sourcePipelineExecutionId: $source) { pipelineExecutionId pipelineVersion } }`;
    const rerun = await gql(RERUN, { source });
    expect(rerun.errors).toBeUndefined();
    const { pipelineExecutionId, pipelineVersion } = rerun.data!.rerunStage;
    expect(pipelineExecutionId).not.toBe(source);
    expect(pipelineVersion).toBe(1);
    expect(await finished('rerun', pipelineExecutionId)).toBe('Succeeded');
    const ran = await gql(`query($id: ID) { listActionExecutions(pipelineName: "rerun", pipelineExecutionId: $id, first: 20) { nodes { stageName } } }`, { id: pipelineExecutionId });
    // Only the stage asked for runs, as CodePipeline's stage rollback does.
    expect(ran.data!.listActionExecutions.nodes.map((n: { stageName: string }) => n.stageName)).toEqual(['Stage2']);
    expect(errorCodes(await gql(RERUN, { source: 'no-such-execution' }))).toEqual(['NOT_FOUND']);
  });

  it('waits at a manual approval until putApprovalResult approves with its token', async () => {
    await publish(pipeline([stage('Approve', [approvalAction('Approve')]), stage('Build', [commandsAction('Compile')])], { name: 'gated' }));
    const id: string = (await gql(START, { name: 'gated' })).data!.startPipelineExecution.pipelineExecutionId;
    let token: string | null = null;
    await eventually(
      async () => (token = (await gql(STATE, { name: 'gated' })).data!.getPipelineState.stageStates[0].actionStates[0].latestExecution?.token ?? null) !== null,
      () => 'no approval token in getPipelineState',
    );
    const APPROVE = `mutation($token: String!, $status: ApprovalStatus!) {
      putApprovalResult(pipelineName: "gated", stageName: "Approve", actionName: "Approve", token: $token, result: { status: $status, summary: "looks good" }) { approvedAt } }`;
    // Tokens are random UUIDs: one nobody handed out, or the old derived form, names no request.
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(errorCodes(await gql(APPROVE, { token: `approval:${id}/Approve/Approve/1`, status: 'Approved' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(APPROVE, { token, status: 'Approved' }, 'other-account'))).toEqual(['NOT_FOUND']);
    const approved = await gql(APPROVE, { token, status: 'Approved' });
    expect(approved.errors).toBeUndefined();
    expect(new Date(approved.data!.putApprovalResult.approvedAt).getTime()).toBeGreaterThan(0);
    expect(await finished('gated', id)).toBe('Succeeded');
    expect(errorCodes(await gql(APPROVE, { token, status: 'Approved' }))).toEqual(['CONFLICT']);
  });

  it('answers the same execution to a repeated client request token', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile')])], { name: 'idempotent' }));
    const once = (await gql(START, { name: 'idempotent', clientRequestToken: 'release-42' })).data!.startPipelineExecution.pipelineExecutionId;
    const twice = (await gql(START, { name: 'idempotent', clientRequestToken: 'release-42' })).data!.startPipelineExecution.pipelineExecutionId;
    expect(twice).toBe(once);
  });

  it('answers NOT_FOUND for an unknown pipeline or execution, and for another account', async () => {
    expect(errorCodes(await gql(START, { name: 'nowhere' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(STATE, { name: 'nowhere' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(GET_EXECUTION, { pipelineName: 'grid', id: 'no-such-execution' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(STATE, { name: 'grid' }, 'other-account'))).toEqual(['NOT_FOUND']);
  });

  it('answers BAD_USER_INPUT with the path for bad variables, bad bounds and bad headers', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile')])], { name: 'with-vars', variables: [{ name: 'TARGET', defaultValue: 'staging' }] }));
    const unknown = await gql(START, { name: 'with-vars', variables: [{ name: 'TARGET', value: 'prod' }, { name: 'NOPE', value: 'x' }] });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors![0]!.extensions!.issues!.map((issue) => issue.path)).toEqual(['$.variables[1].name']);
    const twice = await gql(START, { name: 'with-vars', variables: [{ name: 'TARGET', value: 'a' }, { name: 'TARGET', value: 'b' }] });
    expect(twice.errors![0]!.extensions!.issues!.map((issue) => issue.path)).toEqual(['$.variables[1].name']);
    const overridden = await gql(START, { name: 'with-vars', variables: [{ name: 'TARGET', value: 'prod' }] });
    expect(overridden.data!.startPipelineExecution.variables).toEqual([{ name: 'TARGET', value: 'prod' }]);

    const poll = await gql('mutation { pollForJobs(actionTypeId: { category: Build, owner: Sluice, provider: "Commands", version: "1" }, waitMs: 60000) { id } }');
    expect(poll.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '$.waitMs' }] });
    const page = await gql('query { listPipelineExecutions(pipelineName: "grid", first: 0) { nodes { status } } }');
    expect(page.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '$.first' }] });
    const headers = await service.graphql(STATE, { name: 'grid' }, { 'x-sluice-account': 'Not An Account!' });
    expect(headers.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'headers.x-sluice-account' }] });
  });

  it('hands a job out by long poll, accepts its result once, and refuses a duplicate with CONFLICT', async () => {
    await publish(pipeline([stage('Test', [{ name: 'Manual', actionTypeId: unserved, runOrder: 1, outputArtifacts: [{ name: 'Report' }] }])], { name: 'custom' }));
    const api = graphqlJobApi({ url: `${service.url}/graphql`, headers: { 'x-sluice-account': 'acme', 'x-sluice-internal-secret': service.internalSecret } });
    const jobStatus = async (jobId: string) => (await gql('query($jobId: ID!) { getJobDetails(jobId: $jobId) { status } }', { jobId })).data!.getJobDetails.status;
    const polling = api.pollForJobs(unserved, 5, { waitMs: 15_000 });
    const id: string = (await gql(START, { name: 'custom' })).data!.startPipelineExecution.pipelineExecutionId;
    const jobs = await polling;
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.data).toMatchObject({ executionId: id, pipeline: { account: 'acme', name: 'custom' }, stageName: 'Test', actionName: 'Manual', outputArtifacts: [{ name: 'Report', files: [] }] });
    const stranger = graphqlJobApi({ url: `${service.url}/graphql`, headers: { 'x-sluice-account': 'other-account', 'x-sluice-internal-secret': service.internalSecret } });
    expect(await stranger.pollForJobs(unserved, 5)).toEqual([]);
    // Another account's worker, even holding the id and the nonce, meets an unknown job at every call, and changes nothing.
    const strangerCalls = [
      stranger.acknowledgeJob(job.id, job.nonce),
      stranger.heartbeat(job.id, job.nonce),
      stranger.putJobSuccessResult(job.id, { executionSummary: 'forged' }),
      stranger.putJobFailureResult(job.id, { type: 'JobFailed', message: 'forged' }),
      stranger.appendJobLogs(job.id, job.nonce, [{ sequence: 0, stream: 'stdout', chunk: 'forged\n', at: new Date().toISOString() }]),
    ];
    for (const call of strangerCalls) await expect(call).rejects.toBeInstanceOf(NotFoundError);
    expect(errorCodes(await gql('query($jobId: ID!) { getJobDetails(jobId: $jobId) { status } }', { jobId: job.id }, 'other-account'))).toEqual(['NOT_FOUND']);
    expect(await jobStatus(job.id)).toBe('Dispatched');

    await expect(api.acknowledgeJob(job.id, 'wrong-nonce')).rejects.toBeInstanceOf(ConflictError);
    expect(await api.acknowledgeJob(job.id, job.nonce)).toEqual({ status: 'InProgress' });
    expect(new Date((await api.heartbeat(job.id, job.nonce)).leaseExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await jobStatus(job.id)).toBe('InProgress');
    await api.putJobSuccessResult(job.id, { outputArtifacts: [{ name: 'Report', location: 'sha256:abc' }], outputVariables: { RESULT: 'ok' }, executionSummary: 'checked by hand' });
    const duplicate = await api.putJobSuccessResult(job.id, { outputArtifacts: [{ name: 'Report', location: 'sha256:abc' }] }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(await finished('custom', id)).toBe('Succeeded');
    expect(await jobStatus(job.id)).toBe('Succeeded');
    const details = await gql(`query($id: ID) { listActionExecutions(pipelineName: "custom", pipelineExecutionId: $id) { nodes { output { outputVariables outputArtifacts { name location } } } } }`, { id });
    expect(details.data!.listActionExecutions.nodes[0].output).toEqual({ outputVariables: { RESULT: 'ok' }, outputArtifacts: [{ name: 'Report', location: 'sha256:abc' }] });
    await expect(api.heartbeat('no-such-job', 'any-nonce')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stops an execution (abandon) and refuses to stop it twice', async () => {
    await publish(pipeline([stage('Test', [{ name: 'Manual', actionTypeId: unserved, runOrder: 1 }])], { name: 'stoppable' }));
    const id: string = (await gql(START, { name: 'stoppable' })).data!.startPipelineExecution.pipelineExecutionId;
    const STOP = `mutation($id: ID!) { stopPipelineExecution(pipelineName: "stoppable", pipelineExecutionId: $id, abandon: true, reason: "wrong branch") { status stopTrigger { reason } } }`;
    const stopped = await gql(STOP, { id });
    expect(stopped.errors).toBeUndefined();
    expect(stopped.data!.stopPipelineExecution.stopTrigger).toEqual({ reason: 'wrong branch' });
    expect(await finished('stoppable', id)).toBe('Stopped');
    expect(errorCodes(await gql(STOP, { id }))).toEqual(['CONFLICT']);
  });

  it('resolves the Pipeline entity with its state for the gateway', async () => {
    const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Pipeline { account name state { pipelineName stageStates { stageName latestExecution { status } } } } } }`;
    const answer = await gql(ENTITIES, {
      representations: [
        { __typename: 'Pipeline', account: 'acme', name: 'grid' },
        { __typename: 'Pipeline', account: 'acme', name: 'created-a-moment-ago' },
      ],
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities[0]).toMatchObject({ account: 'acme', name: 'grid', state: { pipelineName: 'grid', stageStates: [{ stageName: 'Stage1', latestExecution: { status: 'Succeeded' } }, {}, {}] } });
    expect(answer.data!._entities[1]).toEqual({ account: 'acme', name: 'created-a-moment-ago', state: null });
  });
});

describe('executions service process', () => {
  it('ends a pending long poll at once when it stops', async () => {
    const other = await startExecutionsService(schema);
    const polling = graphqlJobApi({ url: `${other.url}/graphql`, headers: { 'x-sluice-internal-secret': other.internalSecret } }).pollForJobs(unserved, 1, { waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = Date.now();
    await other.stop();
    expect(await polling).toEqual([]);
    expect(Date.now() - stopping).toBeLessThan(5_000);
  });

  it('refuses SLUICE_RELAY=0 with an in-process bus, naming the variable', async () => {
    await expect(startExecutionsService(schema, { SLUICE_RELAY: '0' })).rejects.toThrow(/SLUICE_RELAY: the in-process bus hears only this process/);
  });
});
