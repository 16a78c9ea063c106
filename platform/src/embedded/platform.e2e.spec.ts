import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NPM_START_ENTRY, startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// `npm start`'s entry as a child process (NestJS 12 is ESM-only and cannot load inside jest), driven through the gateway only.
const start = (dataDir: string, extraEnv: Record<string, string> = {}) => startPlatformProcess(dataDir, extraEnv, 90_000, NPM_START_ENTRY);

type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

/** `{dataDir}/admin-token`: the platform writes the admin's token there on its first start; every request needs it. */
let adminTokenFile: string | undefined;
const adminToken = (): string | undefined => (adminTokenFile && existsSync(adminTokenFile) ? readFileSync(adminTokenFile, 'utf8').trim() : undefined);

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const token = adminToken();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
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
const EXECUTION = `query($id: ID!) { getPipelineExecution(pipelineName: "demo", pipelineExecutionId: $id) { status
  trigger { triggerType triggerDetail } sourceRevisions { actionName revisionId } } }`;
const LOG_TEXT = 'query($id: ID!, $stageName: String) { actionLogs(pipelineExecutionId: $id, stageName: $stageName) { entries { chunk } } }';
/** The text an execution's stage wrote, as the store keeps it (docs/decisions/0016). */
async function loggedText(url: string, executionId: string, stageName: string): Promise<string> {
  const answer = await gql<{ actionLogs: { entries: Array<{ chunk: string }> } }>(url, LOG_TEXT, { id: executionId, stageName });
  expect(answer.errors).toBeUndefined();
  return answer.data!.actionLogs.entries.map((entry) => entry.chunk).join('');
}
const ENVIRONMENTS = 'query { listEnvironments(pipelineName: "demo") { name current { pipelineExecutionId approvals { approvedBy } } } }';
type Environments = { listEnvironments: Array<{ name: string; current: { pipelineExecutionId: string; approvals: Array<{ approvedBy: string }> } | null }> };
const SECRETS = 'query { listSecrets { name version } }';
/** What the demo's receiver wrote: the lines of its log (time, event type id, summary, link, delivery key). */
const receivedLines = (dataDir: string): string[] =>
  (existsSync(join(dataDir, 'demo/notifications.log')) ? readFileSync(join(dataDir, 'demo/notifications.log'), 'utf8') : '').split('\n').filter((line) => line !== '');
/** The event type ids of those lines. */
const received = (dataDir: string): string[] => receivedLines(dataDir).map((line) => line.split('  ')[1]!);
const APPROVE = `mutation($token: String!) { putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve",
  token: $token, result: { status: Approved, summary: "ship it" }) { approvedAt } }`;

type StageStates = {
  getPipelineState: {
    stageStates: Array<{ stageName: string; latestExecution: { status: string } | null; actionStates: Array<{ actionName: string; latestExecution: { status: string; token: string | null } | null }> }>;
  };
};
type Executions = { listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string; status: string }> } };
type Execution = {
  getPipelineExecution: { status: string; trigger: { triggerType: string; triggerDetail: string }; sourceRevisions: Array<{ actionName: string; revisionId: string }> };
};

/** A generic webhook delivery signed as libs/triggers' generic provider expects. */
function signedDelivery(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-sluice-timestamp': String(timestamp), 'x-sluice-signature': `sha256=${signature}` };
}

const stageStatuses = (answer: Answer<StageStates>): Record<string, string | null> =>
  Object.fromEntries((answer.data?.getPipelineState.stageStates ?? []).map((s) => [s.stageName, s.latestExecution?.status ?? null]));

describe('npm start: the whole platform in one process, with the demo pipeline', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;

  beforeAll(() => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-platform-')));
    adminTokenFile = join(dataDir, 'admin-token');
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the demo on first start and runs it through staging to the approval, then to prod once approved; its secret is masked, its notifications received', async () => {
    const startedAt = Date.now();
    platform = await start(dataDir);
    const url = platform.url;
    console.log(`platform printed its URL after ${Date.now() - startedAt} ms (${/ready in [\d.]+ s/.exec(platform.output())?.[0]})`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // The admin's token: printed once, kept in the data folder readable by its owner only; nothing without it.
    const adminTokenValue = adminToken();
    expect(adminTokenValue).toMatch(/^slu_[A-Za-z0-9_-]{43}$/);
    expect(platform.output()).toContain(adminTokenValue!);
    expect(statSync(adminTokenFile!).mode & 0o777).toBe(0o600);
    const anonymous = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ listPipelines { pageInfo { hasNextPage } } }' }) });
    expect(anonymous.status).toBe(401);

    let pipeline: Answer<{ getPipeline: { name: string; pipeline: { stages: Array<{ name: string }> } } }> = {};
    await eventually(async () => ((pipeline = await gql(url, PIPELINE)).data?.getPipeline ? true : undefined), 'the demo pipeline', 30_000, () => pipeline);
    expect(pipeline.data!.getPipeline.pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Test', 'Staging', 'Approval', 'Prod']);

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
    expect(stageStatuses(state)).toEqual({ Source: 'Succeeded', Build: 'Succeeded', Test: 'Succeeded', Staging: 'Succeeded', Approval: 'InProgress', Prod: null });
    expect(platform.output()).toContain('putApprovalResult(pipelineName: "demo", stageName: "Approval", actionName: "Approve"');
    // The banner says where to see the secret, the notifications and the environments.
    expect(platform.output()).toContain(`a signed webhook to http://127.0.0.1:${new URL(url).port}/demo/notifications, which appends each to ${join(dataDir, 'demo/notifications.log')}`);
    expect(platform.output()).toMatch(/^ {2}secret {9}demo-api-token \(generated\)/m);
    expect(platform.output()).toMatch(/^ {2}environments {3}staging and prod, .*npx sluice list-environments --pipeline-name demo$/m);
    expect(platform.output()).toContain("Created the webhook 'default' (account default)");
    // The built-in worker shipped its jobs' output to the store before reporting them.
    const waiting = (await gql<Executions>(url, EXECUTIONS)).data!.listPipelineExecutions.nodes[0]!.pipelineExecutionId;
    expect(await loggedText(url, waiting, 'Build')).toContain('built dist/index.html');
    expect(await loggedText(url, waiting, 'Test')).toContain('1 test passed');
    // The smoke test printed the generated secret: the log holds *** where its value was.
    expect(await loggedText(url, waiting, 'Staging')).toContain('called its API with the token ***\n');
    expect((await gql<{ listSecrets: unknown[] }>(url, SECRETS)).data!.listSecrets).toEqual([{ name: 'demo-api-token', version: 1 }]);
    // The rule's webhook reached the platform's own receiver: the start and the waiting approval, so far.
    await eventually(async () => (received(dataDir).length === 2 ? true : undefined), 'two notifications', 30_000, () => received(dataDir));
    expect(received(dataDir)).toEqual(['codepipeline-pipeline-pipeline-execution-started', 'codepipeline-pipeline-manual-approval-needed']);
    expect(statSync(join(dataDir, 'demo/notification-secret')).mode & 0o777).toBe(0o600);

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
    for (const environment of ['staging', 'prod']) {
      expect(readFileSync(join(dataDir, `deployments/demo/${environment}/current/dist/index.html`), 'utf8')).toContain('Hello from the Sluice demo pipeline!');
    }
    // Both environments run this execution; prod's deployment names its approver.
    expect((await gql<Environments>(url, ENVIRONMENTS)).data!.listEnvironments).toEqual([
      { name: 'staging', current: { pipelineExecutionId: waiting, approvals: [] } },
      { name: 'prod', current: { pipelineExecutionId: waiting, approvals: [{ approvedBy: 'admin' }] } },
    ]);
    await eventually(async () => (received(dataDir).length === 4 ? true : undefined), 'four notifications', 30_000, () => received(dataDir));
    expect(received(dataDir).slice(2)).toEqual(['codepipeline-pipeline-manual-approval-succeeded', 'codepipeline-pipeline-pipeline-execution-succeeded']);

    const stoppedAt = Date.now();
    expect(await platform.stop()).toBe(0);
    console.log(`SIGTERM → exit 0 in ${Date.now() - stoppedAt} ms`);
    expect(platform.output()).toContain('SIGTERM: stopping');
    platform = undefined;
  }, 240_000);

  it('keeps the demo and its execution across a restart on the same data dir, without creating it again', async () => {
    await platform?.stop();
    platform = await start(dataDir);
    const url = platform.url;
    await eventually(async () => (platform!.output().includes('The demo pipeline exists already') ? true : undefined), 'the demo check', 30_000, () => platform!.output());
    expect(platform.output()).not.toContain('Created the demo pipeline');
    expect(platform.output()).not.toContain(adminToken()!);

    const executions = await gql<Executions>(url, EXECUTIONS);
    expect(executions.errors).toBeUndefined();
    expect(executions.data!.listPipelineExecutions.nodes.map((n) => n.status)).toEqual(['Succeeded']);
    // The worker that wrote them is gone with the first process; the logs stay with the execution.
    expect(await loggedText(url, executions.data!.listPipelineExecutions.nodes[0]!.pipelineExecutionId, 'Test')).toContain('1 test passed');
    let state: Answer<StageStates> = {};
    await eventually(async () => ((state = await gql<StageStates>(url, STATE)).data ? true : undefined), 'the state', 30_000, () => state);
    expect(stageStatuses(state)).toEqual({ Source: 'Succeeded', Build: 'Succeeded', Test: 'Succeeded', Staging: 'Succeeded', Approval: 'Succeeded', Prod: 'Succeeded' });
    // Another port than the first start's: the demo's rule is made again for this one.
    expect(platform.output()).toContain(`its notification rule now sends to http://127.0.0.1:${new URL(url).port}/demo/notifications`);

    expect(await platform.stop()).toBe(0);
    platform = undefined;
  }, 180_000);

  it('starts the demo from a signed generic webhook after a commit, and refuses a bad signature', async () => {
    await platform?.stop();
    // No poll during the test: the webhook alone must start the execution.
    platform = await start(dataDir, { SLUICE_POLL_INTERVAL_MS: '3600000' });
    const url = platform.url;
    await eventually(async () => (platform!.output().includes('The demo pipeline exists already') ? true : undefined), 'the demo check', 30_000, () => platform!.output());
    expect(platform.output()).not.toContain('Created the webhook');
    const secrets = JSON.parse(readFileSync(join(dataDir, 'webhook-secrets.json'), 'utf8')) as Record<string, { account: string; secret: string }>;
    expect(secrets.default!.account).toBe('default');
    const secret = secrets.default!.secret;

    const repo = join(dataDir, 'demo/repo');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@sluice.local', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    appendFileSync(join(repo, 'README.md'), '\nChanged by the webhook e2e test.\n');
    git('add', 'README.md');
    git('commit', '--quiet', '-m', 'A change for the webhook');
    const commitId = git('rev-parse', 'HEAD');
    const body = JSON.stringify({ repositoryUrl: pathToFileURL(repo).href, ref: 'refs/heads/main', commitId, changedFiles: ['README.md'] });
    const listed = async () => (await gql<Executions>(url, EXECUTIONS)).data!.listPipelineExecutions.nodes;
    expect(await listed()).toHaveLength(1);

    const forged = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers: signedDelivery('not-the-secret-at-all', body), body });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const oversize = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers: signedDelivery(secret, body), body: 'x'.repeat(2 * 1024 * 1024) });
    expect(oversize.status).toBe(413);
    expect(await listed()).toHaveLength(1);
    expect(platform.output()).toContain('webhook: refused /webhooks/generic/default (401)');

    const headers = signedDelivery(secret, body);
    const deliveredAt = performance.now();
    const delivered = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers, body });
    const answeredMs = performance.now() - deliveredAt;
    const answer = (await delivered.json()) as { started?: Array<{ pipelineName: string; pipelineExecutionId: string }> };
    expect(delivered.status).toBe(200);
    expect(answer.started).toHaveLength(1);
    const id = answer.started![0]!.pipelineExecutionId;
    let execution: Answer<Execution> = {};
    for (;;) {
      execution = await gql<Execution>(url, EXECUTION, { id });
      if (execution.data?.getPipelineExecution.status === 'InProgress') break;
      if (performance.now() - deliveredAt > 30_000) throw new Error(`no InProgress within 30 s: ${JSON.stringify(execution)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const latencyMs = performance.now() - deliveredAt;
    console.log(`webhook delivery → execution InProgress in ${latencyMs.toFixed(1)} ms (webhook answered in ${answeredMs.toFixed(1)} ms)`);
    expect(execution.data!.getPipelineExecution.trigger.triggerType).toBe('Webhook');

    // The same delivery again starts nothing twice.
    const again = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers, body });
    expect(again.status).toBe(200);

    const nodes = await listed();
    expect(nodes).toHaveLength(2);
    expect(nodes.map((n) => n.pipelineExecutionId)).toContain(id);
    await eventually(
      async () => ((execution = await gql<Execution>(url, EXECUTION, { id })).data?.getPipelineExecution.sourceRevisions.some((r) => r.revisionId === commitId) ? true : undefined),
      'the new commit as the source revision',
      60_000,
      () => execution,
    );
    expect(execution.data!.getPipelineExecution.sourceRevisions).toEqual([{ actionName: expect.any(String), revisionId: commitId }]);
    // The rule, made again for this start's port, tells the receiver of this run too.
    const started = (line: string) => line.includes(`codepipeline-pipeline-pipeline-execution-started  Pipeline demo: execution ${id} started`);
    await eventually(async () => (receivedLines(dataDir).some(started) ? true : undefined), 'the new run\'s notification', 30_000, () => receivedLines(dataDir));

    expect(await platform.stop()).toBe(0);
    platform = undefined;
  }, 180_000);

  it('polls the demo repository and starts the demo on a new commit; refuses a bad SLUICE_POLL_INTERVAL_MS', async () => {
    await platform?.stop();
    await expect(start(dataDir, { SLUICE_POLL_INTERVAL_MS: '10ms' })).rejects.toThrow(/SLUICE_POLL_INTERVAL_MS: expected a whole number/);

    platform = await start(dataDir, { SLUICE_POLL_INTERVAL_MS: '1000' });
    const url = platform.url;
    await eventually(async () => (platform!.output().includes('The demo pipeline exists already') ? true : undefined), 'the demo check', 30_000, () => platform!.output());
    const before = (await gql<Executions>(url, EXECUTIONS)).data!.listPipelineExecutions.nodes.length;
    // Let the first poll remember the refs as they are.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const repo = join(dataDir, 'demo/repo');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@sluice.local', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    appendFileSync(join(repo, 'README.md'), '\nChanged by the poller e2e test.\n');
    git('commit', '--quiet', '-am', 'A change for the poller');
    const commitId = git('rev-parse', 'HEAD');

    let nodes: Executions['listPipelineExecutions']['nodes'] = [];
    await eventually(async () => ((nodes = (await gql<Executions>(url, EXECUTIONS)).data!.listPipelineExecutions.nodes).length > before ? true : undefined), 'a polled execution', 30_000, () => nodes);
    expect(nodes).toHaveLength(before + 1);
    // The source revision is known once the Source action has run.
    let polled: Execution['getPipelineExecution'][] = [];
    await eventually(
      async () => {
        const all = await Promise.all(nodes.map(async (n) => (await gql<Execution>(url, EXECUTION, { id: n.pipelineExecutionId })).data!.getPipelineExecution));
        polled = all.filter((e) => e.trigger.triggerType === 'PollForSourceChanges');
        return polled.length === 1 && polled[0]!.sourceRevisions.some((r) => r.revisionId === commitId) ? true : undefined;
      },
      'one polled execution of the new commit',
      60_000,
      () => polled,
    );
    expect(polled[0]!.trigger.triggerDetail).toContain('refs/heads/main');

    expect(await platform.stop()).toBe(0);
    platform = undefined;
  }, 180_000);
});
