import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { EventStore } from '@sluice/eventing';
import { serviceEntryArguments, startServiceProcess } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';
import type { RunningGateway } from './gateway-server';
import { codesOf, gatewayClient, type Caller } from './testing/gateway-client';
import { eventually, workUntilFinished } from './testing/job-worker';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from './testing/gateway-on-subgraphs';
import type { SubgraphProcesses } from './testing/subgraph-processes';
import { adminCaller } from './testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

/**
 * `main.ts` run to its end, without blocking this process: the gateway under test serves from it, and a blocked event
 * loop lets its idle keep-alive sockets expire unseen, so that the next request meets a reset socket.
 */
function gatewayMainExit(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const root = join(__dirname, '../..');
  return new Promise((resolve) => {
    const child = execFile(process.execPath, serviceEntryArguments(join(root, 'gateway/src/main.ts')), { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (_error, _stdout, stderr) =>
      resolve({ status: child.exitCode, stderr }),
    );
  });
}

// The gateway in front of the real subgraphs: pipelines and executions each run as their own OS process on
// one PostgreSQL store (NestJS 12 cannot load in jest), the gateway runs here. Everything below goes through
// the gateway's /graphql only.
let alice: Caller;
let platform: GatewayOnSubgraphs | undefined;
let schema: string;
let subgraphs: SubgraphProcesses;
let gateway: RunningGateway;
let gql: ReturnType<typeof gatewayClient>;
let eventStore: EventStore;

beforeAll(async () => {
  platform = await startGatewayOnSubgraphs();
  ({ schema, subgraphs, gateway, eventStore } = platform);
  alice = await adminCaller(eventStore, 'acme', 'alice');
  gql = gatewayClient(gateway.url, alice);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const CREATE = 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name metadata { version } } }';
const START = 'mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId status trigger { triggerDetail } } }';
const JOINED = 'query($name: String!) { getPipeline(name: $name) { name metadata { version } state { stageStates { stageName latestExecution { status } } } } }';

describe('gateway federating pipelines and executions', () => {
  it('creates a pipeline, runs it with a worker on the job API and answers one query joining both subgraphs', async () => {
    const created = await gql<{ createPipeline: { name: string; metadata: { version: number } } }>(CREATE, { pipeline: twoStagePipeline('web') });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPipeline).toEqual({ name: 'web', metadata: { version: 1 } });

    // The executions service learns the pipeline over its bus; until then it answers NOT_FOUND.
    type Started = { startPipelineExecution: { pipelineExecutionId: string; status: string; trigger: { triggerDetail: string } } };
    const started = await eventually(async () => {
      const answer = await gql<Started>(START, { name: 'web' });
      if (answer.errors) expect(codesOf(answer)).toEqual(['NOT_FOUND']);
      return answer.data?.startPipelineExecution;
    }, 'the executions service to know pipeline web');
    expect(started.trigger.triggerDetail).toBe('alice');

    const run = await workUntilFinished(gql, 'web', started.pipelineExecutionId);
    expect(run).toEqual({ status: 'Succeeded', jobs: ['Source/Checkout', 'Build/Compile'] });

    // The metrics projection folds the store on its own subscription: it sees the end a moment later.
    const metrics = await eventually(async () => {
      // A token allowed sluice:GetMetrics (alice is acme's admin): the series of her account.
      const answer = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${alice.token}` } });
      const text = await answer.text();
      return text.includes('sluice_executions{account="acme",status="Succeeded"} 1\n') ? { type: answer.headers.get('content-type'), text } : undefined;
    }, '/metrics to count the succeeded execution');
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.text).toMatch(/^sluice_action_duration_seconds_count 2$/m);
    expect(metrics.text).toMatch(/^sluice_job_queue_depth 0$/m);

    const joined = await gql(JOINED, { name: 'web' });
    expect(joined.errors).toBeUndefined();
    expect(joined.data).toEqual({
      getPipeline: {
        name: 'web',
        metadata: { version: 1 },
        state: {
          stageStates: [
            { stageName: 'Source', latestExecution: { status: 'Succeeded' } },
            { stageName: 'Build', latestExecution: { status: 'Succeeded' } },
          ],
        },
      },
    });
  });

  it('keeps the subgraphs’ error codes and extensions', async () => {
    const unknown = await gql(JOINED, { name: 'nowhere' });
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    expect(unknown.errors![0]!.extensions).toMatchObject({ resource: 'pipeline' });

    const invalid = twoStagePipeline('broken') as { stages: Array<{ actions: Array<{ actionTypeId: Record<string, string> }> }> };
    invalid.stages[1]!.actions[0]!.actionTypeId.provider = 'NoSuchProvider';
    const refused = await gql(CREATE, { pipeline: invalid });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions!.issues!.map((issue) => issue.path)).toContainEqual(expect.stringContaining('$.stages[1].actions[0]'));

    expect(codesOf(await gql(START, { name: 'nowhere' }))).toEqual(['NOT_FOUND']);
  });

  it('passes the caller to every subgraph: another account sees nothing of acme', async () => {
    const other = await adminCaller(eventStore, 'other', 'bob');
    expect(codesOf(await gql(JOINED, { name: 'web' }, other))).toEqual(['NOT_FOUND']);
    expect(codesOf(await gql(START, { name: 'web' }, other))).toEqual(['NOT_FOUND']);
  });

  it('runs as its own process (main.ts) configured by SLUICE_SUBGRAPHS, and stops on SIGTERM', async () => {
    const root = join(__dirname, '../..');
    const SLUICE_SUBGRAPHS = subgraphs.endpoints.map((s) => `${s.name}=${s.url}`).join(',');
    const gatewayProcess = await startServiceProcess({
      name: 'gateway',
      script: join(root, 'gateway/src/main.ts'),
      cwd: root,
      env: { SLUICE_SUBGRAPHS, SLUICE_PORT: '0', SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_INTERNAL_SECRET: subgraphs.internalSecret },
    });
    try {
      const answer = await gatewayClient(gatewayProcess.url, alice)(JOINED, { name: 'web' });
      expect(answer.errors).toBeUndefined();
    } finally {
      await gatewayProcess.stop();
    }
    expect(gatewayProcess.output()).toMatch(/SIGTERM: stopping/);

    const refused = await gatewayMainExit({ SLUICE_SUBGRAPHS: 'pipelines', SLUICE_PORT: '0', SLUICE_INTERNAL_SECRET: subgraphs.internalSecret });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(`Invalid configuration:\n  SLUICE_SUBGRAPHS: 'pipelines' is not name=url (e.g. pipelines=http://127.0.0.1:4101/graphql,executions=http://127.0.0.1:4102/graphql|http://127.0.0.1:4103/graphql)`);

    // Without the subgraphs' secret it could reach none of them: refused at start, not at the first request.
    const secretless = await gatewayMainExit({ SLUICE_SUBGRAPHS, SLUICE_PORT: '0', SLUICE_INTERNAL_SECRET: '' });
    expect(secretless.status).toBe(1);
    expect(secretless.stderr.trim()).toMatch(/^Invalid configuration:\n {2}SLUICE_INTERNAL_SECRET: SLUICE_INTERNAL_SECRET is not set/);
  });

  it('answers /healthz, and /readyz while every subgraph answers, naming the one that does not', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, store: 'up', bus: 'up', subgraphs: expect.objectContaining({ pipelines: 'up', executions: 'up' }) }]);

    await subgraphs.executions.stop();
    const notReady = await fetch(`${gateway.url}/readyz`);
    const body = (await notReady.json()) as { ready: boolean; subgraphs: Record<string, string> };
    expect([notReady.status, body.ready, body.subgraphs.pipelines]).toEqual([503, false, 'up']);
    expect(body.subgraphs.executions).not.toBe('up');
  });
});
