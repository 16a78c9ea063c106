import type { EventStore } from '@sluice/eventing';
import type { RunningGateway } from './gateway-server';
import type { ExecutionUpdate, PipelineStateChange } from './subscriptions/execution-updates';
import { gatewayClient, type Caller } from './testing/gateway-client';
import { eventually, workUntilFinished } from './testing/job-worker';
import { subscribeAndCollect, type CollectedSubscription } from './testing/subscription-client';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from './testing/gateway-on-subgraphs';
import { adminCaller } from './testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

// Subscriptions through the gateway's /graphql over graphql-ws, fed from the store the services write to:
// the subgraphs run as OS processes on one PostgreSQL schema, the gateway runs here on the same store.
let alice: Caller;
let otherAccount: Caller;
let platform: GatewayOnSubgraphs | undefined;
let gateway: RunningGateway;
let eventStore: EventStore;
let gql: ReturnType<typeof gatewayClient>;
const open: Array<CollectedSubscription<unknown>> = [];

beforeAll(async () => {
  platform = await startGatewayOnSubgraphs();
  ({ gateway, eventStore } = platform);
  alice = await adminCaller(eventStore, 'acme', 'alice');
  otherAccount = await adminCaller(eventStore, 'other', 'bob');
  gql = gatewayClient(gateway.url, alice);
}, 120_000);

afterAll(async () => {
  await Promise.all(open.map((s) => s.stop()));
  await platform?.stop();
});

const FIELDS = 'cursor pipelineName pipelineExecutionId status stageName actionName eventType at';
const EXECUTION_UPDATED = `subscription($pipelineName: String, $executionId: ID, $after: String) {
  executionUpdated(pipelineName: $pipelineName, executionId: $executionId, after: $after) { ${FIELDS} } }`;
const PIPELINE_STATE_CHANGED = `subscription($pipelineName: String!, $after: String) {
  pipelineStateChanged(pipelineName: $pipelineName, after: $after) { ${FIELDS} } }`;
const CREATE = 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }';
const START = 'mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }';

function subscribe<T>(query: string, variables: Record<string, unknown>, field: string, caller: Caller = alice): CollectedSubscription<T> {
  const subscription = subscribeAndCollect<T>(gateway.url, caller, query, variables, field);
  open.push(subscription);
  return subscription;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const cursorsOf = (updates: Array<{ cursor: string }>): string[] => updates.map((u) => u.cursor);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('gateway subscriptions over graphql-ws, fed from the event store', () => {
  let executionId: string;
  let live: CollectedSubscription<ExecutionUpdate>;

  it('streams every change of a run, in order, ending with the execution’s Succeeded', async () => {
    expect((await gql(CREATE, { pipeline: twoStagePipeline('web') })).errors).toBeUndefined();
    live = subscribe<ExecutionUpdate>(EXECUTION_UPDATED, { pipelineName: 'web' }, 'executionUpdated');
    const stranger = subscribe<ExecutionUpdate>(EXECUTION_UPDATED, { pipelineName: 'web' }, 'executionUpdated', otherAccount);
    await eventually(() => (gateway.subscriptionCounts().live === 2 ? true : undefined), 'both subscriptions to be live');

    executionId = await eventually(async () => (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { name: 'web' })).data?.startPipelineExecution.pipelineExecutionId, 'the executions service to know pipeline web');
    expect(await workUntilFinished(gql, 'web', executionId)).toEqual({ status: 'Succeeded', jobs: ['Source/Checkout', 'Build/Compile'] });
    await eventually(() => live.received.find((r) => r.value.eventType === 'PipelineExecutionSucceeded'), 'the Succeeded update');

    const updates = live.received.map((r) => r.value);
    expect(live.errors).toEqual([]);
    // Every event of the execution's stream, each once, in store order.
    const stored = await eventStore.readStream(`execution-${executionId}`);
    expect(cursorsOf(updates)).toEqual(stored.map((e) => e.position.toString()));
    expect(updates.map((u) => u.eventType)).toEqual(stored.map((e) => e.type));
    expect(updates.every((u) => u.pipelineName === 'web' && u.pipelineExecutionId === executionId)).toBe(true);
    expect(updates[0]).toMatchObject({ eventType: 'PipelineExecutionStarted', status: 'InProgress', stageName: null });
    expect(updates.at(-1)).toMatchObject({ eventType: 'PipelineExecutionSucceeded', status: 'Succeeded' });
    expect(updates.filter((u) => u.eventType === 'ActionExecutionSucceeded').map((u) => `${u.stageName}/${u.actionName}:${u.status}`)).toEqual([
      'Source/Checkout:Succeeded',
      'Build/Compile:Succeeded',
    ]);
    expect(stranger.received).toEqual([]);

    // State change (the writer's occurredAt, stamped just before its append) → message at the client.
    const latencies = live.received.map((r) => r.receivedAt - Date.parse(r.value.at)).sort((a, b) => a - b);
    console.log(
      `executionUpdated latency over ${latencies.length} updates: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${latencies.at(-1)} ms`,
    );
  });

  it('resumes after a cursor: exactly the updates after it, no gap, no duplicate', async () => {
    const updates = live.received.map((r) => r.value);
    const middle = Math.floor(updates.length / 2);
    const resumed = subscribe<ExecutionUpdate>(EXECUTION_UPDATED, { executionId, after: updates[middle]!.cursor }, 'executionUpdated');
    await eventually(() => (resumed.received.length >= updates.length - middle - 1 ? true : undefined), 'the resumed updates');
    await pause(300);
    expect(resumed.errors).toEqual([]);
    expect(resumed.received.map((r) => r.value)).toEqual(updates.slice(middle + 1));
  });

  it('streams a pipeline’s state changes, lanes included, from a cursor', async () => {
    const first = BigInt(live.received[0]!.value.cursor);
    const changes = subscribe<PipelineStateChange>(PIPELINE_STATE_CHANGED, { pipelineName: 'web', after: (first - 1n).toString() }, 'pipelineStateChanged');
    await eventually(() => changes.received.find((r) => r.value.eventType === 'PipelineExecutionSucceeded'), 'the pipeline’s changes up to Succeeded');
    const values = changes.received.map((r) => r.value);
    expect(changes.errors).toEqual([]);
    expect(values.every((c) => c.pipelineName === 'web')).toBe(true);
    const cursors = values.map((c) => BigInt(c.cursor));
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!)).toBe(true);
    expect(values.map((c) => c.eventType)).toEqual(expect.arrayContaining(['ExecutionArrivedAtStage', 'StageEntryGranted', 'StageReleased', 'StageExecutionSucceeded']));
    expect(values.find((c) => c.eventType === 'StageEntryGranted')).toMatchObject({ stageName: 'Source', pipelineExecutionId: executionId, status: 'InProgress' });
  });

  it('refuses a bad cursor and queries over the socket', async () => {
    const bad = subscribe<ExecutionUpdate>(EXECUTION_UPDATED, { after: 'yesterday' }, 'executionUpdated');
    await eventually(() => (bad.errors.length > 0 ? true : undefined), 'the refusal');
    expect(JSON.stringify(bad.errors)).toContain("after: 'yesterday' is not a cursor");

    const query = subscribe<string>('query { subscriptionsOnly }', {}, 'subscriptionsOnly');
    await eventually(() => (query.errors.length > 0 ? true : undefined), 'the refusal');
    expect(JSON.stringify(query.errors)).toContain('Queries are served over HTTP');
  });
});
