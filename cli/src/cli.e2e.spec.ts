import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformProcess, type PlatformProcess } from '@sluice/platform/testing';
import { commandsStage, gitSourceStage, initGitRepository, MANUAL_APPROVAL, stage } from '@sluice/testing/fixtures';

// The `sluice` bin as a user runs it, as a process, against a running embedded platform.
const BIN = join(__dirname, '../bin/sluice.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let platform: PlatformProcess;
let work: string;
let env: NodeJS.ProcessEnv;

function sluice(args: string[], extraEnv: NodeJS.ProcessEnv = {}, onStdout?: (soFar: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<string> {
  const run = await sluice(args);
  if (run.code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

const gitRepo = (dir: string): string => initGitRepository(dir, { 'hello.txt': 'hello\n' });

const definition = (name: string, repo: string, buildCommand: string) => ({
  name,
  stages: [
    gitSourceStage({ repositoryUrl: `file://${repo}`, output: 'Src', configuration: { DetectChanges: 'false' } }),
    commandsStage('Build', [buildCommand], { action: 'Compile', inputs: 'Src' }),
    stage('Approval', { name: 'Approve', actionTypeId: MANUAL_APPROVAL }),
  ],
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sluice-cli-e2e-'));
  platform = await startPlatformProcess(join(work, 'data'));
  const tokenFile = join(work, 'data', 'admin-token');
  env = {
    ...process.env,
    HOME: work,
    SLUICE_CONFIG_FILE: join(work, 'config'),
    SLUICE_ENDPOINT_URL: platform.url,
    ...(existsSync(tokenFile) ? { SLUICE_TOKEN: readFileSync(tokenFile, 'utf8').trim() } : {}),
  };
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the sluice CLI against a running platform', () => {
  it('creates from a skeleton, starts, waits through an approval it gives, and reads the result', async () => {
    const skeleton = JSON.parse(await ok(['create-pipeline', '--generate-cli-skeleton'])) as { pipeline: unknown; tags: unknown };
    expect(Object.keys(skeleton)).toEqual(['pipeline', 'tags']);
    const repo = gitRepo(mkdtempSync(join(work, 'repo-')));
    const request = join(work, 'create.json');
    writeFileSync(request, JSON.stringify({ ...skeleton, pipeline: definition('cli-web', repo, 'cat hello.txt'), tags: [{ key: 'team', value: 'cli' }] }));
    const created = JSON.parse(await ok(['create-pipeline', '--cli-input-json', `file://${request}`])) as { pipeline: { name: string }; tags: unknown };
    expect(created.pipeline.name).toBe('cli-web');
    expect(created.tags).toEqual([{ key: 'team', value: 'cli' }]);

    const id = (await ok(['start-pipeline-execution', '--name', 'cli-web', '--query', 'pipelineExecutionId', '--output', 'text'])).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const waiting = sluice(['wait', 'pipeline-execution-succeeded', '--pipeline-name', 'cli-web', '--pipeline-execution-id', id, '--timeout-seconds', '90']);
    const following = sluice(['logs', id, '--follow']);
    let token = '';
    const deadline = Date.now() + 60_000;
    while (token === '' || token === 'None') {
      if (Date.now() > deadline) throw new Error('the approval never waited');
      await new Promise((resolve) => setTimeout(resolve, 300));
      token = (await ok(['get-pipeline-state', '--name', 'cli-web', '--query', "stageStates[?stageName=='Approval'] | [0].actionStates[0].latestExecution.token", '--output', 'text'])).trim();
    }
    await ok(['put-approval-result', '--pipeline-name', 'cli-web', '--stage-name', 'Approval', '--action-name', 'Approve', '--result', 'summary="ship it",status=Approved', '--token', token]);
    const waited = await waiting;
    // Both said which approval they waited for and how to give it, and ended with a final status line.
    const hint = `waiting for approval: stage Approval, action Approve (execution ${id}). Approve it in the dashboard, or:\n  sluice put-approval-result --pipeline-name cli-web --stage-name Approval --action-name Approve --result summary="…",status=Approved --token ${token}\n`;
    expect(waited.stderr).toBe(`${hint}execution ${id} of cli-web Succeeded\n`);
    expect(waited.code).toBe(0);
    const followed = await following;
    expect(followed).toMatchObject({ code: 0, stderr: `${hint}execution ${id} of cli-web Succeeded\n` });
    expect(followed.stdout).toContain('[Build/Compile] hello');
    expect((JSON.parse(waited.stdout) as { pipelineExecution: { status: string } }).pipelineExecution.status).toBe('Succeeded');

    const actions = JSON.parse(await ok(['list-action-executions', '--pipeline-name', 'cli-web', '--filter', `pipelineExecutionId=${id}`])) as { actionExecutionDetails: Array<{ actionName: string; status: string }> };
    expect(actions.actionExecutionDetails.map((action) => `${action.actionName}:${action.status}`).sort()).toEqual(['Approve:Succeeded', 'Checkout:Succeeded', 'Compile:Succeeded']);
    const table = await ok(['list-pipelines', '--output', 'table']);
    expect(table).toMatch(/ListPipelines[\s\S]*\| cli-web /);
    // Nested values as child tables under their row, within 100 columns when stdout is no terminal.
    const state = await ok(['get-pipeline-state', '--name', 'cli-web', '--output', 'table']);
    expect(state).not.toContain('[object Object]');
    expect(Math.max(...state.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
    const lines = state.split('\n');
    const approvalRow = lines.findIndex((line) => /^ +\| Approval +\|/.test(line));
    expect(approvalRow).toBeGreaterThan(0);
    expect(lines.slice(approvalRow).findIndex((line) => /\| Approve +\|/.test(line))).toBeGreaterThan(0);
  });

  it('exits from wait and logs --follow with the result: 7 failed, 8 stopped; a retry\'s attempt under its own header', async () => {
    const repo = gitRepo(mkdtempSync(join(work, 'repo-')));
    await ok(['create-pipeline', '--pipeline', JSON.stringify(definition('cli-broken', repo, 'echo trying; exit 3'))]);
    const id = (await ok(['start-pipeline-execution', '--name', 'cli-broken', '--query', 'pipelineExecutionId', '--output', 'text'])).trim();
    const waited = await sluice(['wait', 'pipeline-execution-succeeded', '--pipeline-name', 'cli-broken', '--pipeline-execution-id', id]);
    expect(waited.code).toBe(7);
    expect(waited.stderr).toMatch(new RegExp(`^sluice: execution ${id} of cli-broken ended Failed: [\\s\\S]*\n$`));

    // A retry of the failed action: logs --follow follows the run again, the second attempt under a header.
    await ok(['retry-stage-execution', '--pipeline-name', 'cli-broken', '--stage-name', 'Build', '--pipeline-execution-id', id, '--retry-mode', 'FAILED_ACTIONS']);
    const followed = await sluice(['logs', id, '--follow']);
    expect(followed.code).toBe(7);
    expect(followed.stderr).toMatch(new RegExp(`^sluice: execution ${id} of cli-broken ended Failed: [\\s\\S]*\n$`));
    expect(followed.stdout).toMatch(/\[Build\/Compile\] trying\n──── Build\/Compile: attempt 2 \(action execution \S+\) ────\n\[Build\/Compile\] trying\n/);

    await ok(['create-pipeline', '--pipeline', JSON.stringify(definition('cli-stopped', repo, 'sleep 60'))]);
    const slow = (await ok(['start-pipeline-execution', '--name', 'cli-stopped', '--query', 'pipelineExecutionId', '--output', 'text'])).trim();
    const waiting = sluice(['wait', 'pipeline-execution-succeeded', '--pipeline-name', 'cli-stopped', '--pipeline-execution-id', slow]);
    const followingStopped = sluice(['logs', slow, '--follow']);
    await ok(['stop-pipeline-execution', '--pipeline-name', 'cli-stopped', '--pipeline-execution-id', slow, '--abandon', '--reason', 'not today']);
    for (const run of [await waiting, await followingStopped]) {
      expect(run.code).toBe(8);
      expect(run.stderr).toMatch(new RegExp(`^sluice: execution ${slow} of cli-stopped ended Stopped`));
    }
  });

  it('gives each kind of error its exit code and one line, never a stack trace', async () => {
    const serverLogBefore = platform.output().length;
    const missing = await sluice(['get-pipeline', '--name', 'nope']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^sluice: .*nope.*\(NOT_FOUND\)\n$/);

    const repo = gitRepo(mkdtempSync(join(work, 'repo-')));
    await ok(['create-pipeline', '--pipeline', JSON.stringify(definition('cli-twice', repo, 'true'))]);
    const again = await sluice(['create-pipeline', '--pipeline', JSON.stringify(definition('cli-twice', repo, 'true'))]);
    expect(again.code).toBe(4);

    const invalid = await sluice(['create-pipeline', '--pipeline', JSON.stringify({ name: 'cli-bad', stages: [{ name: 'Only', actions: [] }] })]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/stages/);
    // Each issue once, with its path (not again in the headline's own list).
    const issueLines = invalid.stderr.split('\n').filter((line) => line.startsWith('  '));
    expect(issueLines.length).toBeGreaterThan(0);
    for (const line of issueLines) expect(line).toMatch(/^ {2}\$\S*: /);
    expect(new Set(issueLines.map((line) => line.replace(/^ {2}\$\S*: /, ''))).size).toBe(issueLines.length);

    const usage = await sluice(['get-pipeline']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('sluice: get-pipeline: missing --name (see `sluice get-pipeline help`)\n');

    const unreachable = await sluice(['list-pipelines', '--endpoint-url', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toMatch(/cannot reach http:\/\/127.0.0.1:1/);

    const refused = await sluice(['list-pipelines'], { SLUICE_TOKEN: 'slu_not-a-token' });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/refused the request \(401\)/);

    // A principal whose policy does not allow the call: a read-only user, made through the permissions API.
    const admin = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env['SLUICE_TOKEN']}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: 'cli-reader' });
    await admin('mutation($u: String!) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: "ReadOnly") { name } }', { u: 'cli-reader' });
    const readerToken = (await admin('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: 'cli-reader' })).createToken.token as string;
    const reader = { SLUICE_TOKEN: readerToken };
    const me = await sluice(['whoami', '--query', 'actor', '--output', 'text'], reader);
    expect(me.code).toBe(0);
    expect(me.stdout).toMatch(/cli-reader/);
    expect((await sluice(['list-pipelines', '--query', 'pipelines[].name', '--output', 'text'], reader)).code).toBe(0);
    const denied = await sluice(['start-pipeline-execution', '--name', 'cli-twice'], reader);
    expect(denied.code).toBe(5);
    expect(denied.stderr).toMatch(/sluice:StartPipelineExecution.*\(FORBIDDEN\)/);
    for (const run of [missing, again, invalid, usage, unreachable, refused, denied]) expect(run.stderr).not.toMatch(/\n\s+at /);
    // The caller's mistakes are answered, not logged by the server as errors with a stack trace.
    const serverLog = platform.output().slice(serverLogBefore);
    expect(serverLog).not.toMatch(/ERROR|ExceptionsHandler/);
    expect(serverLog).not.toMatch(/\n\s+at /);
  });

  it('keeps an endpoint and a token in a profile with login, and uses the profile', async () => {
    const token = env['SLUICE_TOKEN'] ?? 'no-auth-yet';
    const login = await sluice(['--profile', 'local', 'login', '--token', token, '--endpoint-url', platform.url], { SLUICE_ENDPOINT_URL: '', SLUICE_TOKEN: '' });
    expect(login.code).toBe(0);
    const config = readFileSync(join(work, 'config'), 'utf8');
    expect(config).toContain('[local]');
    expect(config).toContain(`endpoint_url = ${platform.url}`);
    const listed = await sluice(['--profile', 'local', 'list-pipelines', '--query', 'pipelines[].name', '--output', 'text'], { SLUICE_ENDPOINT_URL: '', SLUICE_TOKEN: '' });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/cli-web/);
    const unknown = await sluice(['--profile', 'elsewhere', 'list-pipelines']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no profile "elsewhere"/);
  });

  it('streams an action\'s log lines with logs --follow while it runs, and ends with the execution', async () => {
    const repo = gitRepo(mkdtempSync(join(work, 'repo-')));
    // Five seconds: the follower must see the first line while the run is still going, on a loaded machine too.
    const slow = definition('cli-logs', repo, 'for i in 1 2 3 4 5 6 7 8 9 10; do echo tick-$i; sleep 0.5; done');
    await ok(['create-pipeline', '--pipeline', JSON.stringify({ ...slow, stages: slow.stages.slice(0, 2) })]);
    const id = (await ok(['start-pipeline-execution', '--name', 'cli-logs', '--query', 'pipelineExecutionId', '--output', 'text'])).trim();
    let statusAtFirstLine: Promise<string> | undefined;
    const followed = await sluice(['logs', id, '--follow'], {}, (soFar) => {
      if (statusAtFirstLine === undefined && soFar.includes('[Build/Compile] tick-1\n')) {
        statusAtFirstLine = ok(['get-pipeline-execution', '--pipeline-name', 'cli-logs', '--pipeline-execution-id', id, '--query', 'pipelineExecution.status', '--output', 'text']);
      }
    });
    expect(followed.code).toBe(0);
    expect(followed.stderr).toBe(`execution ${id} of cli-logs Succeeded\n`);
    expect((await statusAtFirstLine)?.trim()).toBe('InProgress');
    expect(followed.stdout).toContain([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `[Build/Compile] tick-${n}`).join('\n'));
    const stored = await ok(['logs', id, '--stage-name', 'Build']);
    expect(stored.split('\n').filter((line) => line.startsWith('[Build/Compile] tick-'))).toHaveLength(10);
  });

  it('runs a definition on this machine with execute, no server needed, exit code = result', async () => {
    const repo = gitRepo(mkdtempSync(join(work, 'repo-')));
    const file = join(work, 'local.json');
    writeFileSync(file, JSON.stringify(definition('local-run', repo, 'echo built-$(cat hello.txt)')));
    const refused = await sluice(['execute', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/stages\[2\]\.actions\[0\]: "Approval" waits for a manual approval/);
    const upToBuild = await sluice(['execute', file, '--stage', 'Build'], { SLUICE_ENDPOINT_URL: 'http://127.0.0.1:1' });
    expect(upToBuild.stderr).toMatch(/local-run Succeeded/);
    expect(upToBuild.code).toBe(0);
    expect(upToBuild.stdout).toContain('[Build/Compile] built-hello');
    writeFileSync(file, JSON.stringify(definition('local-run', repo, 'echo broken >&2; exit 4')));
    const failed = await sluice(['execute', file, '--auto-approve']);
    expect(failed.code).toBe(7);
    expect(failed.stderr).toMatch(/local-run Failed: .*exit code 4/);
    expect(failed.stdout).toContain('[Build/Compile] broken');
  });

  it('refuses a bad definition in a blink, each issue once; runs a folder without git with --source, as docs/cli.md shows', async () => {
    const bad = join(work, 'one-stage.json');
    writeFileSync(bad, JSON.stringify({ name: 'one', stages: [commandsStage('Build', ['true'], { action: 'Compile' })] }));
    const startedAt = Date.now();
    const refused = await sluice(['execute', bad]);
    const tookMs = Date.now() - startedAt;
    expect(refused.code).toBe(2);
    expect(tookMs).toBeLessThan(1000);
    const issues = refused.stderr.split('\n').filter((line) => line.startsWith('  $.'));
    expect(issues.length).toBeGreaterThan(0);
    expect(new Set(issues).size).toBe(issues.length);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await sluice(['execute', bad, '--source', join(work, 'no-such-folder')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^sluice: --source: cannot read .*no-such-folder: ENOENT\n$/) });

    // docs/cli.md's minimal example, run as written by bash with `sluice` on the PATH; its output as the page shows it.
    const page = readFileSync(join(__dirname, '../../docs/cli.md'), 'utf8');
    const example = page.slice(page.indexOf('A minimal run'));
    const script = /```bash\n([\s\S]*?)\n```/.exec(example)![1]!;
    const shown = /```text\n([\s\S]*?)\n```/.exec(example)![1]!.split('\n');
    const folder = mkdtempSync(join(work, 'minimal-'));
    mkdirSync(join(folder, 'bin'));
    writeFileSync(join(folder, 'bin/sluice'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const run = spawnSync('bash', ['-c', `${script}\n`], { cwd: folder, env: { ...env, PATH: `${join(folder, 'bin')}:${env['PATH']}` }, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(existsSync(join(folder, 'site/.git'))).toBe(false);
    // stdout and stderr interleave as the run goes: each on its own holds its lines of the page, in order, and
    // nothing follows the final status.
    const inOrder = (printed: string, lines: string[]) => {
      const pattern = lines.map((line) => line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')).join('\n(?:.*\n)*?');
      expect(printed).toMatch(new RegExp(pattern));
    };
    inOrder(run.stdout, shown.filter((line) => line.startsWith('[')));
    inOrder(run.stderr, shown.filter((line) => !line.startsWith('[')));
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(shown.at(-1));
  });

  it('names an unknown verb without its options, with the verbs it most likely meant, and prints its version', async () => {
    const typo = await sluice(['get-pipelinestate', '--name', 'demo']);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toBe('sluice: unknown verb "get-pipelinestate"; did you mean "get-pipeline-state"? (`sluice help` lists them)\n');
    expect((await sluice(['wait'])).stderr).toContain('did you mean "wait pipeline-execution-succeeded"?');
    expect(await sluice(['--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^sluice \d+\.\d+\.\d+\n$/) });
  });

  it('prints help for every verb', async () => {
    const help = await ok(['help']);
    for (const verb of ['create-pipeline', 'list-action-executions', 'put-job-failure-result', 'wait pipeline-execution-succeeded']) expect(help).toContain(verb);
    expect(await ok(['put-approval-result', 'help'])).toMatch(/--result <structure>\s+\(required\)/);
  });
});
