import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NPM_START_ENTRY, startPlatformProcess, type PlatformProcess } from '@sluice/platform/testing';

// docs/getting-started.md's CLI steps, taken from the page and run as written by bash on a fresh data folder (`npm
// start`'s own entry, with the demo), `.sluice` in the working folder as in a clone. Two differences from a person's
// machine, both outside the commands: the platform listens on a free port (SLUICE_ENDPOINT_URL points the CLI at
// it) and the poller looks every 2 s instead of 60 s.
const PAGE = join(__dirname, '../../docs/getting-started.md');
const BIN = join(__dirname, '../bin/sluice.mjs');

let platform: PlatformProcess;
let work: string;
let env: NodeJS.ProcessEnv;

/** The shell commands of the page's code block that follows `marker`, continuation lines joined. */
function commandsAfter(page: string, marker: string): string[] {
  const from = page.indexOf(marker);
  expect(from).toBeGreaterThan(-1);
  const block = /```bash\n([\s\S]*?)\n\s*```/.exec(page.slice(from))![1]!;
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bash(command: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(command: string): Promise<string> {
  const run = await bash(command);
  if (run.code !== 0) throw new Error(`${command}\nexited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

/** Runs `command` until `done` holds for its output, as a person looks again (bounded). */
async function until(command: string, done: (stdout: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stdout = await ok(command);
    if (done(stdout)) return stdout;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(stdout)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-getting-started-')));
  const dataDir = join(work, '.sluice');
  platform = await startPlatformProcess(dataDir, { SLUICE_POLL_INTERVAL_MS: '2000' }, 120_000, NPM_START_ENTRY);
  // `npx sluice` as in the clone: npx finds the workspace's bin.
  mkdirSync(join(work, 'bin'));
  writeFileSync(join(work, 'bin/npx'), `#!/bin/sh\n[ "$1" = sluice ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  env = {
    ...process.env,
    HOME: work,
    PATH: `${join(work, 'bin')}:${process.env['PATH']}`,
    SLUICE_CONFIG_FILE: join(work, 'sluice-config'),
    SLUICE_ENDPOINT_URL: platform.url,
    SLUICE_TOKEN: '',
    GIT_AUTHOR_NAME: 'A Person',
    GIT_AUTHOR_EMAIL: 'person@example.com',
    GIT_COMMITTER_NAME: 'A Person',
    GIT_COMMITTER_EMAIL: 'person@example.com',
  };
}, 150_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('docs/getting-started.md, followed literally with the CLI', () => {
  it('approves the demo with the page\'s commands, then a commit starts one run by itself, followed to its end', async () => {
    const page = readFileSync(PAGE, 'utf8');
    const [login, getToken, approve, listId, wait, ...extra] = commandsAfter(page, '**The CLI**');
    expect(extra).toEqual([]);
    expect([login, getToken, approve, listId, wait].every((command) => command!.startsWith('npx sluice '))).toBe(true);

    await ok(login!);
    // "It stops at Approval": the page's command prints the token once the demo waits there.
    const token = (await until(getToken!, (out) => /^[A-Za-z0-9_-]{16,}\n?$/.test(out.trim()), 'the demo to wait at its approval', 90_000)).trim();
    await ok(approve!.replace('<token>', token));
    const id = (await ok(listId!)).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const waited = await bash(wait!.replace('<id>', id));
    expect(waited).toMatchObject({ code: 0, stderr: `execution ${id} of demo Succeeded\n` });
    // "Deploy then runs, and .sluice/deployments/demo/current/dist/index.html is the built page."
    expect(existsSync(join(work, '.sluice/deployments/demo/current/dist/index.html'))).toBe(true);

    // "Edit greeting.txt …, commit. You start nothing": the page's commit, then its commands to find and follow the run.
    const [commit, list, follow] = commandsAfter(page, '**You start nothing:**');
    await ok(commit!);
    const found = await until(list!, (out) => out.trim().split('\t')[0] !== id, 'the poller to start a run of the commit');
    const [newId, status, trigger] = found.trim().split('\t');
    expect({ status, trigger }).toEqual({ status: 'InProgress', trigger: 'PollForSourceChanges' });

    const following = bash(follow!.replace(/#.*$/, '').replace('<pipelineExecutionId>', newId!));
    // It waits at the approval again and says how to approve: the command it prints, run as printed.
    const hint = await until(
      getToken!,
      (out) => /^[A-Za-z0-9_-]{16,}$/.test(out.trim()) && out.trim() !== token,
      'the new run to wait at its approval',
    );
    await ok(approve!.replace('<token>', hint.trim()));
    const followed = await following;
    expect(followed.code).toBe(0);
    expect(followed.stderr).toContain(`waiting for approval: stage Approval, action Approve (execution ${newId})`);
    expect(followed.stderr.endsWith(`execution ${newId} of demo Succeeded\n`)).toBe(true);
    expect(followed.stdout).toContain('[Build/Build]');

    // One run per commit: the poller started none for the first commit, and one for the new one.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const all = (await ok('npx sluice list-pipeline-executions --pipeline-name demo --query "pipelineExecutionSummaries[].trigger.triggerType" --output text')).trim().split('\t');
    expect(all).toHaveLength(2);
  });
});
