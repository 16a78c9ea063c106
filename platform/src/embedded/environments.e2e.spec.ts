import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitFile, directoryDeployAction, gitSourceStage, initGitRepository, stage, approvalStage } from '@sluice/testing/fixtures';
import { eventually } from '@sluice/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 21, environments: `npm start`'s platform with its built-in worker, a real Git repository, Directory deploys to
// staging and prod with an approval between them, read through GraphQL and the `sluice` CLI as a process.
const BIN = join(__dirname, '../../../cli/bin/sluice.mjs');
let platform: PlatformProcess;
let work: string;
let repo: string;
let adminToken: string;

const release = (name: string) => ({
  name,
  stages: [
    gitSourceStage({ repositoryUrl: `file://${repo}`, output: 'Src', configuration: { DetectChanges: 'false' } }),
    stage('Staging', { ...directoryDeployAction('ToStaging', join(work, 'staging'), { inputs: 'Src' }), environment: 'staging' }),
    approvalStage('Gate', 'Approve'),
    stage('Production', { ...directoryDeployAction('ToProd', join(work, 'prod'), { inputs: 'Src' }), environment: 'prod' }),
  ],
});

/** The whole GraphQL answer (data and errors) of a call with `token`. */
const as =
  (token: string) =>
  async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as T;
  };
type Answer<T> = { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };

function sluice(args: string[], token = adminToken): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, HOME: work, SLUICE_CONFIG_FILE: join(work, 'config'), SLUICE_ENDPOINT_URL: platform.url, SLUICE_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function start(name: string): Promise<string> {
  const answer = await as(adminToken)<Answer<{ startPipelineExecution: { pipelineExecutionId: string } }>>('mutation($n: String!) { startPipelineExecution(name: $n) { pipelineExecutionId } }', { n: name });
  expect(answer.errors).toBeUndefined();
  return answer.data!.startPipelineExecution.pipelineExecutionId;
}

/** Waits for the execution's approval and answers it as the admin (`carol` is only a summary: the approver is the token's). */
async function approve(name: string, executionId: string): Promise<void> {
  const token = await eventually(async () => {
    const state = await as(adminToken)<Answer<{ getPipelineState: { stageStates: Array<{ stageName: string; latestExecution: { pipelineExecutionId: string } | null; actionStates: Array<{ latestExecution: { token: string | null } | null }> }> } }>>(
      'query($n: String!) { getPipelineState(name: $n) { stageStates { stageName latestExecution { pipelineExecutionId } actionStates { latestExecution { token } } } } }',
      { n: name },
    );
    const gate = state.data?.getPipelineState.stageStates.find((s) => s.stageName === 'Gate');
    return gate?.latestExecution?.pipelineExecutionId === executionId ? (gate.actionStates[0]?.latestExecution?.token ?? undefined) : undefined;
  }, `the approval of ${executionId}`, 60_000);
  const answered = await as(adminToken)<Answer<unknown>>('mutation($n: String!, $t: String!) { putApprovalResult(pipelineName: $n, stageName: "Gate", actionName: "Approve", token: $t, result: { status: Approved, summary: "ship it" }) { approvedAt } }', { n: name, t: token });
  expect(answered.errors).toBeUndefined();
}

const status = async (name: string, id: string) =>
  (await as(adminToken)<Answer<{ getPipelineExecution: { status: string } }>>('query($n: String!, $id: ID!) { getPipelineExecution(pipelineName: $n, pipelineExecutionId: $id) { status } }', { n: name, id })).data?.getPipelineExecution.status;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sluice-environments-'));
  repo = initGitRepository(join(work, 'repo'), { 'index.html': 'v1\n' }, 'first release');
  // Directory deploys go only under the operator's SLUICE_DEPLOY_ROOTS.
  platform = await startPlatformProcess(join(work, 'data'), { SLUICE_DEPLOY_ROOTS: work });
  adminToken = readFileSync(join(work, 'data', 'admin-token'), 'utf8').trim();
  const created = await as(adminToken)<Answer<unknown>>('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: release('rel') });
  expect(created.errors).toBeUndefined();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('environments: what is deployed where, and what waits for promotion', () => {
  let first: string;
  let second: string;
  let firstCommit: string;
  let secondCommit: string;

  beforeAll(async () => {
    firstCommit = readFileSync(join(repo, '.git', 'refs', 'heads', 'main'), 'utf8').trim();
    first = await start('rel');
    await approve('rel', first);
    await eventually(async () => ((await status('rel', first)) === 'Succeeded' ? true : undefined), 'the first release to succeed', 60_000);
    secondCommit = commitFile(repo, 'index.html', 'v2\n', 'second release');
    second = await start('rel');
    // The second release reaches the approval: on staging, not on prod.
    await eventually(async () => {
      const state = await as(adminToken)<Answer<{ listEnvironments: Array<{ name: string; current: { pipelineExecutionId: string } | null }> }>>('query { listEnvironments(pipelineName: "rel") { name current { pipelineExecutionId } } }');
      return state.data?.listEnvironments.find((e) => e.name === 'staging')?.current?.pipelineExecutionId === second ? true : undefined;
    }, 'the second release on staging', 60_000);
  }, 150_000);

  it('answers each environment with its revision, execution and approver, through GraphQL', async () => {
    const answer = await as(adminToken)<Answer<{ listEnvironments: Array<{ name: string; deployments: number; current: { pipelineExecutionId: string; status: string; sourceRevisions: Array<{ revisionId: string; revisionSummary: string }>; approvals: Array<{ approvedBy: string; summary: string }> } }> }>>(
      'query { listEnvironments(pipelineName: "rel") { name deployments current { pipelineExecutionId status sourceRevisions { revisionId revisionSummary } approvals { approvedBy summary } } } }',
    );
    expect(answer.errors).toBeUndefined();
    const [staging, prod] = answer.data!.listEnvironments;
    expect(staging).toMatchObject({ name: 'staging', deployments: 2, current: { pipelineExecutionId: second, status: 'Succeeded', sourceRevisions: [{ revisionId: secondCommit }], approvals: [] } });
    expect(prod).toMatchObject({ name: 'prod', deployments: 1, current: { pipelineExecutionId: first, sourceRevisions: [{ revisionId: firstCommit }], approvals: [{ approvedBy: 'admin', summary: 'ship it' }] } });
    // The deploys happened: each environment's folder serves its release (Deploy/Directory's `current`).
    expect(readFileSync(join(work, 'staging', 'current', 'index.html'), 'utf8')).toBe('v2\n');
    expect(readFileSync(join(work, 'prod', 'current', 'index.html'), 'utf8')).toBe('v1\n');
  });

  it('lists, through the sluice CLI, the history of prod and what staging has that prod has not', async () => {
    const unpromoted = await sluice(['list-unpromoted', '--pipeline-name', 'rel', '--from', 'staging', '--to', 'prod']);
    expect(unpromoted.stderr).toBe('');
    expect(unpromoted.code).toBe(0);
    const waiting = (JSON.parse(unpromoted.stdout) as { deployments: Array<{ pipelineExecutionId: string; sourceRevisions: Array<{ revisionId: string; revisionSummary: string }> }> }).deployments;
    expect(waiting.map((d) => [d.pipelineExecutionId, d.sourceRevisions[0]!.revisionId])).toEqual([[second, secondCommit]]);
    expect(waiting[0]!.sourceRevisions[0]!.revisionSummary).toContain('second release');

    const history = await sluice(['list-deployments', '--pipeline-name', 'rel', '--environment', 'staging', '--query', 'deployments[].pipelineExecutionId', '--output', 'text']);
    expect(history.code).toBe(0);
    expect(history.stdout.trim().split(/\s+/)).toEqual([second, first]);

    const table = await sluice(['list-environments', '--pipeline-name', 'rel', '--query', 'environments[].[name, current.pipelineExecutionId]', '--output', 'text']);
    expect(table.stdout.trim().split('\n').map((line) => line.split(/\s+/))).toEqual([
      ['staging', second],
      ['prod', first],
    ]);
    // DORA's metrics of prod, from the same deployments: one release, its commit's lead time, no failure.
    const metrics = await sluice(['metrics', '--pipeline-name', 'rel', '--environment', 'prod']);
    expect(metrics.code).toBe(0);
    const figures = JSON.parse(metrics.stdout) as { deploymentFrequency: { deployments: number }; leadTimeForChanges: { changes: number; medianSeconds: number }; changeFailureRate: { deployments: number; failed: number; rate: number } };
    expect(figures.deploymentFrequency.deployments).toBe(1);
    expect(figures.leadTimeForChanges.changes).toBe(1);
    expect(figures.leadTimeForChanges.medianSeconds).toBeGreaterThan(0);
    expect(figures.leadTimeForChanges.medianSeconds).toBeLessThan(600);
    expect(figures.changeFailureRate).toMatchObject({ deployments: 1, failed: 0, rate: 0 });
    const badInstant = await sluice(['metrics', '--pipeline-name', 'rel', '--environment', 'prod', '--as-of', 'yesterday']);
    expect(badInstant.code).not.toBe(0);
    expect(badInstant.stderr).toMatch(/asOf must be an ISO-8601 instant/);
    const same = await sluice(['list-unpromoted', '--pipeline-name', 'rel', '--from', 'prod', '--to', 'prod']);
    expect(same.code).not.toBe(0);
    expect(same.stderr).toMatch(/to.*both "prod"/);
  });

  it('is read at the pipeline: a reader of another pipeline and another account see nothing of it', async () => {
    const admin = as(adminToken);
    const user = async (userName: string, document: unknown) => {
      expect((await admin<Answer<unknown>>('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName })).errors).toBeUndefined();
      expect((await admin<Answer<unknown>>('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "p", document: $d) { name } }', { u: userName, d: document })).errors).toBeUndefined();
      return (await admin<Answer<{ createToken: { token: string } }>>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName })).data!.createToken.token;
    };
    // A start-only user of this very pipeline, and a reader of every pipeline but this one.
    const starter = await user('sam', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:StartPipelineExecution', Resource: 'srn:sluice:default:rel' }] });
    const otherReader = await user('olga', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:ListDeployments', Resource: 'srn:sluice:default:other' }] });
    const reader = await user('rita', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:ListDeployments', Resource: 'srn:sluice:default:rel' }] });
    for (const token of [starter, otherReader]) {
      const refused = await as(token)<Answer<unknown>>('query { listEnvironments(pipelineName: "rel") { name } }');
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const cli = await sluice(['list-unpromoted', '--pipeline-name', 'rel', '--from', 'staging', '--to', 'prod'], token);
      expect(cli.code).not.toBe(0);
      expect(cli.stdout).toBe('');
    }
    const allowed = await as(reader)<Answer<{ listDeployments: { nodes: unknown[] } }>>('query { listDeployments(pipelineName: "rel") { nodes { pipelineExecutionId } } }');
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.listDeployments.nodes).toHaveLength(3);
    // Another account's admin: a pipeline of that name does not exist there.
    const globex = await admin<Answer<{ createAccount: { adminToken: { token: string } } }>>('mutation { createAccount(account: "globex", adminUserName: "gadmin") { adminToken { token } } }');
    expect(globex.errors).toBeUndefined();
    const elsewhere = await as(globex.data!.createAccount.adminToken.token)<Answer<unknown>>('query { listEnvironments(pipelineName: "rel") { name } }');
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('holds prod during a freeze, with its reason; a start-only user cannot freeze; lifted, the stage is retried and deploys', async () => {
    const admin = as(adminToken);
    // A start-only user of the pipeline may not freeze the account's environments.
    const sam = (await admin<Answer<{ createToken: { token: string } }>>('mutation { createToken(principalId: "sam") { token } }')).data!.createToken.token;
    const refused = await as(sam)<Answer<unknown>>('mutation { scheduleEnvironmentFreeze(environment: "prod", endsAt: "2099-01-01T00:00:00Z", reason: "mine") { freezeId } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await admin<Answer<unknown>>('mutation { scheduleEnvironmentFreeze(environment: "prod", endsAt: "2001-01-01T00:00:00Z", reason: "") { freezeId } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors)).toMatch(/endsAt.*has passed/);

    const frozen = await admin<Answer<{ scheduleEnvironmentFreeze: { freezeId: string; environment: string; scheduledBy: string } }>>(
      'mutation { scheduleEnvironmentFreeze(environment: "prod", endsAt: "2099-01-01T00:00:00Z", reason: "year-end freeze") { freezeId environment scheduledBy } }',
    );
    expect(frozen.errors).toBeUndefined();
    const { freezeId } = frozen.data!.scheduleEnvironmentFreeze;
    // The second release, approved now, would enter Production during the freeze: it stops there, with the reason.
    await approve('rel', second);
    await eventually(async () => ((await status('rel', second)) === 'Failed' ? true : undefined), 'the frozen release to stop at Production', 60_000);
    const summary = (await admin<Answer<{ getPipelineExecution: { statusSummary: string } }>>('query($id: ID!) { getPipelineExecution(pipelineName: "rel", pipelineExecutionId: $id) { statusSummary } }', { id: second })).data!.getPipelineExecution.statusSummary;
    expect(summary).toMatch(/Production/);
    expect(summary).toMatch(/prod is frozen until 2099-01-01T00:00:00.000Z by admin: year-end freeze/);
    // Prod still runs the first release.
    expect(readFileSync(join(work, 'prod', 'current', 'index.html'), 'utf8')).toBe('v1\n');

    expect((await admin<Answer<unknown>>('mutation($f: ID!) { liftEnvironmentFreeze(freezeId: $f) { liftedAt } }', { f: freezeId })).errors).toBeUndefined();
    const listed = await admin<Answer<{ listEnvironmentFreezes: Array<{ freezeId: string; liftedBy: string | null }> }>>('query { listEnvironmentFreezes(environment: "prod") { freezeId liftedBy } }');
    expect(listed.data!.listEnvironmentFreezes).toEqual([{ freezeId, liftedBy: 'admin' }]);
    const retried = await admin<Answer<unknown>>('mutation($id: ID!) { retryStageExecution(pipelineName: "rel", stageName: "Production", pipelineExecutionId: $id, retryMode: ALL_ACTIONS) { pipelineExecutionId } }', { id: second });
    expect(retried.errors).toBeUndefined();
    await eventually(async () => ((await status('rel', second)) === 'Succeeded' ? true : undefined), 'the retried release to reach prod', 60_000);
    // The frozen attempt never entered the stage, so it deployed nothing: prod has one more deployment, the retried one.
    const prod = (await admin<Answer<{ listDeployments: { nodes: Array<{ pipelineExecutionId: string; status: string }> } }>>('query { listDeployments(pipelineName: "rel", environment: "prod") { nodes { pipelineExecutionId status } } }')).data!.listDeployments.nodes;
    expect(prod.map((d) => [d.pipelineExecutionId, d.status])).toEqual([
      [second, 'Succeeded'],
      [first, 'Succeeded'],
    ]);
    expect(readFileSync(join(work, 'prod', 'current', 'index.html'), 'utf8')).toBe('v2\n');
  }, 150_000);
});
