import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm start`'s entry as a child process (NestJS 12 is ESM-only and cannot load inside jest), driven through the gateway only.
const ROOT = join(__dirname, '../../..');
const ENTRY = join(ROOT, 'gateway/src/embedded/main.ts');

interface PlatformProcess {
  url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

async function startPlatformProcess(dataDir: string): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_PORT: '0', SLUICE_DATA_DIR: dataDir, SLUICE_EVENT_STORE: '', SLUICE_KAFKA_BROKERS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const url = await printedUrl(child, () => output, 90_000);
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

function printedUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearInterval(watch);
      child.kill('SIGKILL');
      reject(new Error(`the platform ${why}:\n${output()}`));
    };
    const deadline = Date.now() + timeoutMs;
    const watch = setInterval(() => {
      const match = /Sluice is running at (http:\/\/\S+)/.exec(output());
      if (match) {
        clearInterval(watch);
        resolve(match[1]!);
      } else if (child.exitCode !== null) fail(`exited with ${child.exitCode}`);
      else if (Date.now() > deadline) fail(`printed no URL within ${timeoutMs / 1000} s`);
    }, 50);
  });
}

type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sluice-actor': 'platform-e2e' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer<T>;
}

/** Polls until `attempt` returns a value; the last thing seen is in the failure message. */
async function eventually<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs: number, lastSeen: () => unknown): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(lastSeen())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const PIPELINE = 'query { getPipeline(name: "demo") { name pipeline } }';
const STATE = `query { getPipelineState(name: "demo") { stageStates { stageName latestExecution { status }
  actionStates { actionName latestExecution { status token } } } } }`;
const EXECUTIONS = 'query { listPipelineExecutions(pipelineName: "demo") { nodes { pipelineExecutionId status } } }';
const APPROVE = `mutation($token: String!) { putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve",
  token: $token, result: { status: Approved, summary: "ship it" }) { approvedAt } }`;

type StageStates = {
  getPipelineState: {
    stageStates: Array<{ stageName: string; latestExecution: { status: string } | null; actionStates: Array<{ actionName: string; latestExecution: { status: string; token: string | null } | null }> }>;
  };
};
type Executions = { listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string; status: string }> } };

const stageStatuses = (answer: Answer<StageStates>): Record<string, string | null> =>
  Object.fromEntries((answer.data?.getPipelineState.stageStates ?? []).map((s) => [s.stageName, s.latestExecution?.status ?? null]));

describe('npm start: the whole platform in one process, with the demo pipeline', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;

  beforeAll(() => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-platform-')));
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the demo on first start and runs it to the approval, then through Deploy once approved', async () => {
    const startedAt = Date.now();
    platform = await startPlatformProcess(dataDir);
    const url = platform.url;
    console.log(`platform printed its URL after ${Date.now() - startedAt} ms (${/ready in [\d.]+ s/.exec(platform.output())?.[0]})`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    let pipeline: Answer<{ getPipeline: { name: string; pipeline: { stages: Array<{ name: string }> } } }> = {};
    await eventually(async () => ((pipeline = await gql(url, PIPELINE)).data?.getPipeline ? true : undefined), 'the demo pipeline', 30_000, () => pipeline);
    expect(pipeline.data!.getPipeline.pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Test', 'Approval', 'Deploy']);

    let state: Answer<StageStates> = {};
    const waitingAt = Date.now();
    const token = await eventually(
      async () => {
        state = await gql<StageStates>(url, STATE);
        const approval = state.data?.getPipelineState.stageStates.find((s) => s.stageName === 'Approval');
        return approval?.latestExecution?.status === 'InProgress' ? (approval.actionStates[0]!.latestExecution?.token ?? undefined) : undefined;
      },
      'the demo to wait at its approval',
      60_000,
      () => state,
    );
    console.log(`the demo reached its approval ${Date.now() - waitingAt} ms after the pipeline existed`);
    expect(stageStatuses(state)).toEqual({ Source: 'Succeeded', Build: 'Succeeded', Test: 'Succeeded', Approval: 'InProgress', Deploy: null });
    expect(platform.output()).toContain('putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve"');

    const approved = await gql<{ putApprovalResult: { approvedAt: string } }>(url, APPROVE, { token });
    expect(approved.errors).toBeUndefined();

    let executions: Answer<Executions> = {};
    await eventually(
      async () => ((executions = await gql<Executions>(url, EXECUTIONS)).data?.listPipelineExecutions.nodes[0]?.status === 'Succeeded' ? true : undefined),
      'the demo execution to succeed',
      60_000,
      () => executions,
    );
    expect(executions.data!.listPipelineExecutions.nodes).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'demo/deployed/current/dist/index.html'), 'utf8')).toContain('Hello from the Sluice demo pipeline!');

    const stoppedAt = Date.now();
    expect(await platform.stop()).toBe(0);
    console.log(`SIGTERM → exit 0 in ${Date.now() - stoppedAt} ms`);
    expect(platform.output()).toContain('SIGTERM: stopping');
    platform = undefined;
  }, 240_000);

  it('keeps the demo and its execution across a restart on the same data dir, without creating it again', async () => {
    await platform?.stop();
    platform = await startPlatformProcess(dataDir);
    const url = platform.url;
    await eventually(async () => (platform!.output().includes('The demo pipeline exists already') ? true : undefined), 'the demo check', 30_000, () => platform!.output());
    expect(platform.output()).not.toContain('Created the demo pipeline');

    const executions = await gql<Executions>(url, EXECUTIONS);
    expect(executions.errors).toBeUndefined();
    expect(executions.data!.listPipelineExecutions.nodes.map((n) => n.status)).toEqual(['Succeeded']);
    let state: Answer<StageStates> = {};
    await eventually(async () => ((state = await gql<StageStates>(url, STATE)).data ? true : undefined), 'the state', 30_000, () => state);
    expect(stageStatuses(state)).toEqual({ Source: 'Succeeded', Build: 'Succeeded', Test: 'Succeeded', Approval: 'Succeeded', Deploy: 'Succeeded' });

    expect(await platform.stop()).toBe(0);
    platform = undefined;
  }, 180_000);
});
