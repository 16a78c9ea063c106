/**
 * Gateway benchmark: `npx tsx bench/gateway/run.ts`. The embedded platform (`npm start`'s entry,
 * `platform/src/embedded/main.ts`) as a child process, driven through the gateway only:
 *  (1) start-up: spawn → `/readyz` answers 200, median of 3 cold starts (fresh data dirs), and one warm
 *      restart on an existing data dir; each stopped with SIGTERM;
 *  (2) state change → subscription message: a graphql-ws client on `executionUpdated(pipelineName: "demo")`
 *      while the demo runs N times (started by `startPipelineExecution`, approved by `putApprovalResult`);
 *      latency = receipt time − the update's `at` (its event's occurredAt), p50/p95 over every update.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribeAndCollect, type CollectedSubscription } from '../../gateway/src/testing/subscription-client';
import { median, percentile } from '../eventing/bench-kit';
import { eventually as eventuallyDefined } from '@sluice/testing';

const ROOT = join(__dirname, '../..');
const ENTRY = join(ROOT, 'platform/src/embedded/main.ts');
const COLD_STARTS = Number(process.env.SLUICE_BENCH_COLD_STARTS ?? 3);
const RUNS = Number(process.env.SLUICE_BENCH_DEMO_RUNS ?? 5);

const children = new Set<ChildProcess>();
const dataDirs = new Set<string>();

interface Platform {
  url: string;
  readyMs: number;
  output(): string;
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function freshDataDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-bench-gateway-')));
  dataDirs.add(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns the platform and times spawn → `/readyz` 200. */
async function startPlatform(dataDir: string, timeoutMs = 120_000): Promise<Platform> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      SLUICE_PORT: String(port),
      SLUICE_DATA_DIR: dataDir,
      SLUICE_EVENT_STORE: '',
      SLUICE_KAFKA_BROKERS: '',
      // No polled executions during the bench: only the ones it starts.
      SLUICE_POLL_INTERVAL_MS: '3600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  const deadline = spawnedAt + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`no /readyz 200 within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(20);
  }
  // The platform's admin token (written at first start, before the gateway listens): every request needs it.
  tokens.set(url, readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
  return { url, readyMs: performance.now() - spawnedAt, output: () => output, stop };
}

type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };

/** The admin token of each platform started, by its URL. */
const tokens = new Map<string, string>();

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(url)}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await res.json()) as Answer<T>;
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL: ${JSON.stringify(answer.errors ?? answer)}`);
  return answer.data;
}

const eventually = <T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> => eventuallyDefined(attempt, what, timeoutMs, 100);

const PIPELINE = 'query { getPipeline(name: "demo") { name } }';
const STATE = `query { getPipelineState(name: "demo") { stageStates { stageName latestExecution { pipelineExecutionId status }
  actionStates { actionName latestExecution { pipelineExecutionId status token } } } } }`;
const EXECUTIONS = 'query { listPipelineExecutions(pipelineName: "demo") { nodes { pipelineExecutionId status } } }';
const EXECUTION = 'query($id: ID!) { getPipelineExecution(pipelineName: "demo", pipelineExecutionId: $id) { status } }';
const START = 'mutation { startPipelineExecution(name: "demo") { pipelineExecutionId } }';
const APPROVE = `mutation($token: String!) { putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve",
  token: $token, result: { status: Approved, summary: "bench" }) { approvedAt } }`;
const SUBSCRIPTION = `subscription { executionUpdated(pipelineName: "demo") {
  cursor pipelineExecutionId status stageName actionName eventType at } }`;

type State = {
  getPipelineState: {
    stageStates: Array<{
      stageName: string;
      latestExecution: { pipelineExecutionId: string; status: string } | null;
      actionStates: Array<{ actionName: string; latestExecution: { pipelineExecutionId: string; status: string; token: string | null } | null }>;
    }>;
  };
};
type Update = { cursor: string; pipelineExecutionId: string; status: string | null; stageName: string | null; actionName: string | null; eventType: string; at: string };
const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded']);

/** Approves `id` once it waits at its approval, then waits for it to end; answers its final status. */
async function approveAndFinish(url: string, id: string): Promise<string> {
  const token = await eventually(async () => {
    const status = (await gql<{ getPipelineExecution: { status: string } }>(url, EXECUTION, { id })).getPipelineExecution.status;
    if (TERMINAL.has(status)) return null;
    const approval = (await gql<State>(url, STATE)).getPipelineState.stageStates.find((s) => s.stageName === 'Approval');
    const action = approval?.actionStates[0]?.latestExecution;
    return action?.pipelineExecutionId === id && action.status === 'InProgress' && action.token ? action.token : undefined;
  }, `execution ${id} at its approval`);
  if (token) await gql(url, APPROVE, { token });
  return eventually(async () => {
    const status = (await gql<{ getPipelineExecution: { status: string } }>(url, EXECUTION, { id })).getPipelineExecution.status;
    return TERMINAL.has(status) ? status : undefined;
  }, `execution ${id} to end`);
}

async function startUp(): Promise<{ cold: number[]; warm: number }> {
  const cold: number[] = [];
  let warmDir = '';
  for (let i = 0; i < COLD_STARTS; i++) {
    const dir = freshDataDir();
    const platform = await startPlatform(dir);
    cold.push(platform.readyMs);
    console.log(`  cold start ${i + 1}: /readyz 200 after ${platform.readyMs.toFixed(0)} ms`);
    // Let the first start finish creating the demo before stopping, so the warm restart finds a full data dir.
    await eventually(async () => (/The demo pipeline|Created the demo/.test(platform.output()) ? true : undefined), 'the demo check', 30_000).catch(() => undefined);
    const code = await platform.stop();
    if (code !== 0) console.log(`  (cold start ${i + 1} exited with ${code})`);
    warmDir = dir;
  }
  const platform = await startPlatform(warmDir);
  const warm = platform.readyMs;
  console.log(`  warm restart: /readyz 200 after ${warm.toFixed(0)} ms`);
  await platform.stop();
  return { cold, warm };
}

async function latency(): Promise<{ latencies: number[]; statuses: string[]; updates: number }> {
  const platform = await startPlatform(freshDataDir());
  let subscription: CollectedSubscription<Update> | undefined;
  try {
    const url = platform.url;
    await eventually(async () => ((await gql<{ getPipeline: { name: string } | null }>(url, PIPELINE)).getPipeline ? true : undefined), 'the demo pipeline');
    // The first start runs the demo once on its own: take it through its approval before measuring.
    const first = await eventually(
      async () => (await gql<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string }> } }>(url, EXECUTIONS)).listPipelineExecutions.nodes[0]?.pipelineExecutionId,
      'the first demo execution',
      30_000,
    ).catch(() => undefined);
    if (first) await approveAndFinish(url, first);

    subscription = subscribeAndCollect<Update>(url, { account: 'default', actor: 'admin', token: tokens.get(url) }, SUBSCRIPTION, {}, 'executionUpdated');
    await sleep(500); // the subscription is live at the store's head
    const statuses: string[] = [];
    const ids = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      const id = (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(url, START)).startPipelineExecution.pipelineExecutionId;
      ids.add(id);
      statuses.push(await approveAndFinish(url, id));
    }
    await sleep(500);
    if (subscription.errors.length) throw new Error(`subscription errors: ${JSON.stringify(subscription.errors)}`);
    const received = subscription.received.filter((r) => ids.has(r.value.pipelineExecutionId));
    const latencies = received.map((r) => r.receivedAt - Date.parse(r.value.at));
    return { latencies, statuses, updates: received.length };
  } finally {
    await subscription?.stop().catch(() => undefined);
    await platform.stop();
  }
}

async function main(): Promise<void> {
  console.log('Gateway bench: the embedded platform (platform/src/embedded/main.ts) as a child process\n');
  console.log('(1) start-up, spawn → /readyz 200');
  const { cold, warm } = await startUp();
  console.log(`\n(2) state change → executionUpdated message, embedded, ${RUNS} demo runs`);
  const { latencies, statuses, updates } = await latency();
  console.log(`  executions ended: ${statuses.join(', ')}`);

  const fmt = (ms: number) => ms.toFixed(1);
  console.log('\nGateway figures');
  console.log(`  start-up, cold (fresh data dir), median of ${cold.length} (ms)`.padEnd(70), fmt(median(cold)));
  console.log(`  cold starts (ms)`.padEnd(70), cold.map(fmt).join(' / '));
  console.log(`  start-up, warm restart on an existing data dir (ms)`.padEnd(70), fmt(warm));
  console.log(`  updates received over ${RUNS} executions`.padEnd(70), updates);
  console.log(`  state change → message p50 (ms)`.padEnd(70), fmt(percentile(latencies, 50)));
  console.log(`  state change → message p95 (ms)`.padEnd(70), fmt(percentile(latencies, 95)));
  console.log(`  state change → message max (ms)`.padEnd(70), fmt(Math.max(...latencies)));
}

async function cleanUp(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
