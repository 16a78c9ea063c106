import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayClient, type Caller, eventually } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';

// Issue 15: the code of a pipeline runs in the job sandbox, on the user's path — `npm start`'s embedded platform,
// its built-in worker, a real git repository, real bash — and whoever may start one pipeline, or push a commit
// to its repository, reaches nothing else: not the data folder, the server's environment or processes, the
// machine's files or another job; a variable or a commit message is text, never shell.
jest.setTimeout(240_000);

const CANARY_NAME = 'SLUICE_TEST_SERVER_CANARY';
const canary = `canary-${randomBytes(8).toString('hex')}`;
const mark = randomBytes(6).toString('hex');
const hostile = `x; cat "$DATA/admin-token"; echo $(id) \`uname\` 'single' "double" $HOME \\ * -rf\nsecond line; id`;
const commitMessage = `release; touch /tmp/pwned-${mark} $(id) \`uname\` 'single' "double"\nsecond line $HOME`;

const folder = mkdtempSync(join(tmpdir(), 'sluice-sandbox-e2e-'));
const dataDir = join(folder, 'data');
const hostTmp = join(folder, 'host-tmp');
let platform: PlatformProcess;
let admin: ReturnType<typeof gatewayClient>;
let repositoryUrl: string;

const ok = <T>(answer: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};

function repository(): string {
  return `file://${initGitRepository(join(folder, 'repo'), { README: 'probe\n' }, commitMessage)}`;
}

/** Each probe prints `LEAK …` when it gets through, `denied …` when it does not; `-e` never stops the list early. */
const probes = [
  'echo "commit=#{SourceVariables.CommitMessage}"',
  'echo "env=#{variables.Env}"',
  'echo "uid=$(id -u) home=$HOME"',
  'for f in admin-token admin-credentials access-key-master-key webhook-secrets.json world-readable.txt; do if cat "$DATA/$f" 2>/dev/null; then echo "LEAK read $f"; else echo "denied read $f"; fi; done',
  'if ls "$DATA" >/dev/null 2>&1; then echo "LEAK list data"; else echo "denied list data"; fi',
  'if cat "/proc/$SERVER_PID/environ" >/dev/null 2>&1; then echo "LEAK server environ"; else echo "denied server environ"; fi',
  `if grep -qs ${CANARY_NAME} /proc/*/environ; then echo "LEAK an environ with the canary"; else echo "denied canary"; fi`,
  `if env | grep -q ${CANARY_NAME}; then echo "LEAK own environment"; fi`,
  'if kill -0 "$SERVER_PID" 2>/dev/null; then echo "LEAK sees the server"; else echo "denied signal"; fi',
  'kill -TERM "$SERVER_PID" 2>/dev/null || true',
  'for d in /etc /usr "$DATA" "$HOST_TMP"; do if touch "$d/sluice-escape" 2>/dev/null; then echo "LEAK wrote $d"; else echo "denied write $d"; fi; done',
  `touch /tmp/sluice-escape-${mark}`,
  'echo "neighbour secret" > probe-secret.txt',
  'sleep 3',
  'echo probes-done',
];

const probePipeline = (repositoryUrl: string, serverPid: number) =>
  pipelineDefinition({
    name: 'probe',
    variables: [{ name: 'Env', defaultValue: 'staging' }],
    stages: [
      gitSourceStage({ repositoryUrl, runOrder: 1, namespace: 'SourceVariables', output: 'Src' }),
      stage(
        'Build',
        {
          ...commandsAction('Probe', probes, { runOrder: 1, inputs: 'Src' }),
          environmentVariables: [
            { name: 'DATA', value: dataDir },
            { name: 'SERVER_PID', value: String(serverPid) },
            { name: 'HOST_TMP', value: hostTmp },
          ],
        },
        commandsAction('Neighbour', ['sleep 1', 'if find / -name probe-secret.txt 2>/dev/null | grep -q .; then echo "LEAK neighbour workspace"; else echo "no neighbour"; fi', 'ls /tmp'], { runOrder: 1, inputs: 'Src' }),
      ),
    ],
  });

const hogPipeline = (repositoryUrl: string) =>
  pipelineDefinition({
    name: 'hog',
    stages: [
      gitSourceStage({ repositoryUrl, runOrder: 1, output: 'Src' }),
      stage(
        'Build',
        commandsAction('Memory', ['x=$(head -c 600000000 /dev/zero | tr "\\0" a)', 'echo "held ${#x} bytes"'], { runOrder: 1 }),
        commandsAction('Forks', [':(){ :|:& };:', 'sleep 3', 'echo survived'], { runOrder: 1 }),
      ),
    ],
  });

async function finished(pipeline: string, executionId: string): Promise<string> {
  let status = '';
  await eventually(
    async () => {
      const answer = await admin<{ getPipelineExecution: { status: string } }>('query($p: String!, $e: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $e) { status } }', { p: pipeline, e: executionId });
      status = answer.data?.getPipelineExecution.status ?? '';
      return ['Succeeded', 'Failed', 'Stopped', 'Superseded'].includes(status) ? status : undefined;
    },
    `execution ${executionId} of ${pipeline} to finish`,
    180_000,
  );
  return status;
}

async function logOf(executionId: string, actionName: string): Promise<string> {
  const answer = ok(
    await admin<{ actionLogs: { entries: Array<{ chunk: string }> } }>('query($e: ID!, $a: String!) { actionLogs(pipelineExecutionId: $e, stageName: "Build", actionName: $a, first: 5000) { entries { chunk } } }', { e: executionId, a: actionName }),
    `actionLogs ${actionName}`,
  );
  return answer.actionLogs.entries.map((entry) => entry.chunk).join('');
}

async function errorOf(pipeline: string, executionId: string, actionName: string): Promise<string> {
  const answer = ok(
    await admin<{ listActionExecutions: { nodes: Array<{ actionName: string; status: string; output: { executionResult: { errorDetails: string | null } } }> } }>(
      'query($p: String!, $e: ID!) { listActionExecutions(pipelineName: $p, pipelineExecutionId: $e) { nodes { actionName status output { executionResult { errorDetails } } } } }',
      { p: pipeline, e: executionId },
    ),
    'listActionExecutions',
  );
  const node = answer.listActionExecutions.nodes.find((candidate) => candidate.actionName === actionName);
  return `${node?.status}: ${node?.output.executionResult.errorDetails ?? ''}`;
}

beforeAll(async () => {
  // The data folder is readable by anyone on the machine here, and holds a world-readable file: what keeps the
  // job out is the sandbox, not the folder's permissions.
  execFileSync('mkdir', ['-p', dataDir, hostTmp]);
  chmodSync(folder, 0o755);
  chmodSync(dataDir, 0o755);
  chmodSync(hostTmp, 0o777);
  writeFileSync(join(dataDir, 'world-readable.txt'), `${canary}\n`, { mode: 0o644 });
  repositoryUrl = repository();
  platform = await startPlatformProcess(dataDir, { [CANARY_NAME]: canary, AWS_SECRET_ACCESS_KEY: canary, SLUICE_JOB_MEMORY_MB: '256', SLUICE_JOB_PROCESSES: '64' });
  admin = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('the job sandbox on the embedded platform', () => {
  it('says which sandbox runs the jobs when it starts', () => {
    expect(platform.output()).toMatch(/job sandbox {2}bubblewrap as user sluice-job/);
  });

  it('a start-only user and a commit author reach nothing but their own job, and their text stays text', async () => {
    ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: probePipeline(repositoryUrl, platform.pid) }), 'createPipeline probe');
    ok(await admin('mutation { createUser(userName: "starter") { userName } }'), 'createUser');
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:StartPipelineExecution', Resource: 'srn:sluice:default:probe' }] };
    ok(await admin('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "starter", policyName: "start-probe", document: $d) { name } }', { d: policy }), 'attachPolicy');
    const token = ok(await admin<{ createToken: { token: string } }>('mutation { createToken(principalId: "starter") { token } }'), 'createToken').createToken.token;
    const starter: Caller = { account: 'default', actor: 'starter', token };
    const asStarter = gatewayClient(platform.url, starter);

    const started = await eventually(
      async () =>
        (await asStarter<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation($v: [PipelineVariableInput!]) { startPipelineExecution(name: "probe", variables: $v) { pipelineExecutionId } }', { v: [{ name: 'Env', value: hostile }] })).data
          ?.startPipelineExecution.pipelineExecutionId,
      'the starter to start probe',
      30_000,
    );
    expect(await finished('probe', started)).toBe('Succeeded');

    const probe = await logOf(started, 'Probe');
    const neighbour = await logOf(started, 'Neighbour');
    expect(probe).toContain('probes-done');
    expect(`${probe}\n${neighbour}`).not.toContain('LEAK');
    // Both texts reach the command as they were written, every character literal.
    expect(probe).toContain(`commit=${commitMessage}\n`);
    expect(probe).toContain(`env=${hostile}\n`);
    expect(probe).toMatch(/uid=[1-9]\d* home=\/\S+\/\.sluice\/home/);
    for (const what of ['read admin-token', 'read admin-credentials', 'read access-key-master-key', 'read world-readable.txt', 'list data', 'server environ', 'canary', 'signal']) expect(probe).toContain(`denied ${what}`);
    for (const where of ['/etc', '/usr', dataDir, hostTmp]) expect(probe).toContain(`denied write ${where}`);
    expect(neighbour).toContain('no neighbour');
    expect(probe).not.toContain(platform.token);
    expect(probe).not.toContain(canary);
    // Nothing it wrote reached the machine; the server it tried to signal still answers.
    expect(existsSync(`/tmp/sluice-escape-${mark}`)).toBe(false);
    expect(existsSync(`/tmp/pwned-${mark}`)).toBe(false);
    expect(readdirSync(hostTmp)).toEqual([]);
    expect(ok(await admin<{ whoami: { principalId: string } }>('{ whoami { principalId } }'), 'whoami').whoami.principalId).toBeTruthy();
  });

  it('a job that eats memory or forks without end fails with the limit named, and the platform keeps answering', async () => {
    ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: hogPipeline(repositoryUrl) }), 'createPipeline hog');
    const executionId = await eventually(
      async () => (await admin<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "hog") { pipelineExecutionId } }')).data?.startPipelineExecution.pipelineExecutionId,
      'the executions service to know hog',
      30_000,
    );

    const latencies: number[] = [];
    let done = false;
    const status = finished('hog', executionId).finally(() => void (done = true));
    while (!done) {
      const started = performance.now();
      const answer = await fetch(`${platform.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      latencies.push(performance.now() - started);
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await status).toBe('Failed');
    expect(await errorOf('hog', executionId, 'Memory')).toMatch(/^Failed: [^]*256 MiB of memory \(SLUICE_JOB_MEMORY_MB\)/);
    expect(await errorOf('hog', executionId, 'Forks')).toMatch(/^Failed: [^]*limit of 64 processes \(SLUICE_JOB_PROCESSES\)/);
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? 0;
    console.log(`/healthz while jobs hit their limits: ${latencies.length} calls, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`);
    expect(p95).toBeLessThan(1_000);
  });
});
