import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpArtifactStore, JOB_ID_HEADER, openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import { graphqlJobApi, packDirectory, providerRegistry, startWorker, testSandbox, type Worker, type WorkerEvent } from '@sluice/worker';
import { commandsStage, pipelineDefinition, stage, uploadSourceAction } from '@sluice/testing/fixtures';
import type { RunningGateway } from './gateway-server';
import type { ActionLogEntry } from './subscriptions/action-log-appended';
import { gatewayClient, type Caller } from './testing/gateway-client';
import { eventually } from './testing/job-worker';
import { subscribeAndCollect, type CollectedSubscription } from './testing/subscription-client';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from './testing/gateway-on-subgraphs';
import { adminCaller } from './testing/test-gateway';

// Action logs end to end: the subgraphs as OS processes on one PostgreSQL schema, the gateway here on the
// same store, and a real worker that reaches the platform only through the gateway's /graphql
// (graphqlJobApi) and uploads its outputs there (decision 0038): it runs a Commands action that prints lines with
// pauses and ships them as it runs.
let alice: Caller;
let otherAccount: Caller;
let platform: GatewayOnSubgraphs | undefined;
let gateway: RunningGateway;
let eventStore: EventStore;
let artifacts: ArtifactStore;
let worker: Worker;
let folder: string;
let gql: ReturnType<typeof gatewayClient>;
const workerEvents: WorkerEvent[] = [];
const open: Array<CollectedSubscription<unknown>> = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sluice-action-logs-'));
  // The jobs' folders are under it: the sandbox's user must pass through (not list) it.
  await chmod(folder, 0o711);
  platform = await startGatewayOnSubgraphs({ subgraphs: { artifactsDir: join(folder, 'artifacts') } });
  ({ gateway, eventStore } = platform);
  alice = await adminCaller(eventStore, 'acme', 'alice');
  otherAccount = await adminCaller(eventStore, 'other', 'bob');
  gql = gatewayClient(gateway.url, alice);
  artifacts = await openFilesystemArtifactStore({ root: join(folder, 'artifacts'), fsync: false });
  worker = startWorker({
    jobApi: graphqlJobApi({ url: `${gateway.url}/graphql`, headers: { authorization: `Bearer ${alice.token}` } }),
    providers: providerRegistry({ store: artifacts, sandbox: await testSandbox() }),
    store: artifacts,
    outputStoreFor: (job) => new HttpArtifactStore(new URL(gateway.url), job.accountId, { authorization: `Bearer ${alice.token}`, [JOB_ID_HEADER]: job.id }),
    workspaceRoot: join(folder, 'jobs'),
    pollWaitMs: 1_000,
    log: (event) => void workerEvents.push(event),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(open.map((s) => s.stop()));
  await worker?.stop({ graceMs: 0 });
  await platform?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const ENTRY = 'cursor pipelineName pipelineExecutionId stageName actionName actionExecutionId jobId sequence stream chunk at';
const ACTION_LOG_APPENDED = `subscription($executionId: ID!, $stageName: String, $actionName: String, $after: String) {
  actionLogAppended(executionId: $executionId, stageName: $stageName, actionName: $actionName, after: $after) { ${ENTRY} } }`;
const ACTION_LOGS = `query($id: ID!, $stageName: String, $actionName: String) {
  actionLogs(pipelineExecutionId: $id, stageName: $stageName, actionName: $actionName) { entries { cursor stageName actionName sequence stream chunk at } endCursor hasNextPage } }`;
const ACTIONS = 'query($id: ID) { listActionExecutions(pipelineName: "talkative", pipelineExecutionId: $id) { nodes { actionName status } } }';
const EXECUTION = 'query($id: ID!) { getPipelineExecution(pipelineName: "talkative", pipelineExecutionId: $id) { status } }';

function subscribe(variables: Record<string, unknown>, caller: Caller = alice): CollectedSubscription<ActionLogEntry> {
  const subscription = subscribeAndCollect<ActionLogEntry>(gateway.url, caller, ACTION_LOG_APPENDED, variables, 'actionLogAppended');
  open.push(subscription);
  return subscription;
}

const textOf = (entries: Array<{ chunk: string }>): string => entries.map((entry) => entry.chunk).join('');
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

describe('action logs through the gateway', () => {
  it('streams a running action’s lines, keeps them in order, resumes after a cursor, and keeps them after the worker is gone', async () => {
    const sourceDir = join(folder, 'source');
    await mkdir(sourceDir);
    await writeFile(join(sourceDir, 'README.md'), '# talkative\n');
    // The source archive, uploaded through the gateway as a person does (sluice:UploadSourceArchive): the account's to start from.
    const uploads = new HttpArtifactStore(new URL(gateway.url), 'acme', { authorization: `Bearer ${alice.token}` });
    const archive = await packDirectory(uploads, sourceDir);
    const declaration = pipelineDefinition({
      name: 'talkative',
      stages: [
        stage('Source', uploadSourceAction(archive.sha256, { runOrder: 1 })),
        commandsStage('Build', ['for i in 1 2 3; do echo line-$i; sleep 0.3; done'], { action: 'Talk', runOrder: 1, inputs: 'SourceOutput' }),
      ],
    });
    expect((await gql('mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }', { pipeline: declaration })).errors).toBeUndefined();
    const executionId = await eventually(
      async () => (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "talkative") { pipelineExecutionId } }')).data?.startPipelineExecution.pipelineExecutionId,
      'the executions service to know pipeline talkative',
    );
    // From the start of the store: nothing the execution logged is missed, however late this subscribes.
    const live = subscribe({ executionId, after: '0' });
    const stranger = subscribe({ executionId, after: '0' }, otherAccount);

    const first = await eventually(() => live.received.find((r) => r.value.chunk.includes('line-1')), 'line-1 at the subscriber');
    const talkThen = (await gql<{ listActionExecutions: { nodes: Array<{ actionName: string; status: string }> } }>(ACTIONS, { id: executionId })).data?.listActionExecutions.nodes.find(
      (node) => node.actionName === 'Talk',
    )?.status;
    expect(talkThen).toBe('InProgress');
    expect(first.value).toMatchObject({ pipelineName: 'talkative', pipelineExecutionId: executionId, stageName: 'Build', actionName: 'Talk', stream: 'stdout' });

    const status = await eventually(async () => {
      const answer = (await gql<{ getPipelineExecution: { status: string } }>(EXECUTION, { id: executionId })).data?.getPipelineExecution.status;
      return answer === 'InProgress' ? undefined : answer;
    }, 'the execution to end');
    expect(status).toBe('Succeeded');

    // Every line stored before Succeeded; the query and the subscription agree, entry for entry.
    const stored = (await gql<{ actionLogs: { entries: Array<ActionLogEntry> } }>(ACTION_LOGS, { id: executionId, stageName: 'Build', actionName: 'Talk' })).data!.actionLogs.entries;
    expect(textOf(stored)).toBe('line-1\nline-2\nline-3\n');
    expect(stored.map((entry) => entry.sequence)).toEqual([...stored.keys()]);
    await eventually(() => (textOf(live.received.map((r) => r.value)).includes('line-3') ? true : undefined), 'line-3 at the subscriber');
    const everything = (await gql<{ actionLogs: { entries: Array<ActionLogEntry> } }>(ACTION_LOGS, { id: executionId })).data!.actionLogs.entries;
    expect(everything.length).toBeGreaterThan(stored.length); // the Upload action wrote too
    expect(live.received.map((r) => r.value.cursor)).toEqual(everything.map((entry) => entry.cursor));
    expect(live.errors).toEqual([]);
    expect(stranger.received).toEqual([]);

    // A client that reconnects after line-1's cursor gets the rest: no gap, no repeat.
    const line1 = stored.find((entry) => entry.chunk.includes('line-1'))!;
    const resumed = subscribe({ executionId, stageName: 'Build', actionName: 'Talk', after: line1.cursor });
    await eventually(() => (textOf(resumed.received.map((r) => r.value)).includes('line-3') ? true : undefined), 'the resumed subscription to reach line-3');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = stored.filter((entry) => BigInt(entry.cursor) > BigInt(line1.cursor));
    expect(resumed.received.map((r) => r.value.cursor)).toEqual(after.map((entry) => entry.cursor));
    expect(textOf(resumed.received.map((r) => r.value))).toBe(textOf(after));
    expect(textOf(after)).not.toContain('line-1');

    // Only Talk's lines were written while this subscriber was live (Upload's came before it subscribed).
    const latencies = live.received.filter((r) => r.value.actionName === 'Talk').map((r) => r.receivedAt - Date.parse(r.value.at)).sort((a, b) => a - b);
    console.log(`log line written -> subscriber over ${latencies.length} chunks: p50 ${percentile(latencies, 50)} ms, max ${latencies.at(-1)} ms`);

    // The worker goes away; the logs stay with the execution.
    await worker.stop({ graceMs: 0 });
    const afterStop = (await gql<{ actionLogs: { entries: Array<ActionLogEntry> } }>(ACTION_LOGS, { id: executionId })).data!.actionLogs.entries;
    expect(textOf(afterStop.filter((entry) => entry.actionName === 'Talk'))).toBe('line-1\nline-2\nline-3\n');
    expect(workerEvents.filter((event) => event.type === 'LogsDropped')).toEqual([]);
  });

  it('refuses a bad cursor, naming it', async () => {
    const bad = subscribe({ executionId: 'any', after: 'yesterday' });
    await eventually(() => (bad.errors.length > 0 ? true : undefined), 'the refusal');
    expect(String((bad.errors[0] as { message?: string }).message)).toContain('after');
  });
});
