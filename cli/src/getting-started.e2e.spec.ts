import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, collectPageErrors, ensureDashboardBuilt, NPM_START_ENTRY, startPlatformProcess, waitForCard, type PlatformProcess } from '@sluice/platform/testing';

// docs/getting-started.md followed on a fresh data folder (`npm start`'s own entry, with the demo), `.sluice` in the
// working folder as in a clone: its dashboard steps in Chromium, with the names of the fields, buttons and links taken
// from the page's words, then its CLI steps taken from the page and run as written by bash. Two differences from a
// person's machine, both outside the commands: the platform listens on a free port (SLUICE_ENDPOINT_URL points the
// CLI at it, the browser opens it instead of localhost:4000) and the poller looks every 2 s instead of 60 s.
const PAGE = join(__dirname, '../../docs/getting-started.md');
const BIN = join(__dirname, '../bin/sluice.mjs');
const WEB_DIST = join(__dirname, '../../web/dist');

let platform: PlatformProcess;
let browser: Browser;
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
  await ensureDashboardBuilt();
  work = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-getting-started-')));
  const dataDir = join(work, '.sluice');
  platform = await startPlatformProcess(dataDir, { SLUICE_POLL_INTERVAL_MS: '2000', SLUICE_WEB_DIR: WEB_DIST }, 120_000, NPM_START_ENTRY);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
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
  await browser?.close();
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The numbered steps of the list that follows `marker` (one line each). */
function stepsAfter(page: string, marker: string): string[] {
  const from = page.indexOf(marker);
  expect(from).toBeGreaterThan(-1);
  const lines = page.slice(from + marker.length).split('\n').slice(1);
  const steps: string[] = [];
  for (const line of lines) {
    const step = /^\s*\d+\. (.*)$/.exec(line);
    if (!step) break;
    steps.push(step[1]!);
  }
  return steps;
}

/** What a step names in the UI: its *italic* words (fields, buttons, cards), its `code` (links, text shown), its "quotes". */
function named(step: string): { ui: string[]; code: string[]; quoted: string[] } {
  const all = (pattern: RegExp) => [...step.matchAll(pattern)].map((match) => match[1]!);
  return { ui: all(/\*([^*]+)\*/g), code: all(/`([^`]+)`/g), quoted: all(/"([^"]+)"/g) };
}

/** The stage a step names as "<Stage>'s". */
const stageOf = (step: string): string => /(\w+)'s /.exec(step)![1]!;

/** Until the panel shows `text`: a person looks again, reloading now and then (the panel also reloads every 15 s). */
async function untilText(page: Page, testId: string, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await page.getByTestId(testId).innerText().catch(() => '');
    if (shown.includes(text)) return;
    if (Date.now() > deadline) throw new Error(`${testId} shows ${JSON.stringify(shown)}, not ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    if (!(await page.getByTestId(testId).innerText().catch(() => '')).includes(text)) await page.reload();
  }
}

describe('docs/getting-started.md, followed literally in the dashboard and with the CLI', () => {
  let firstRun: string;

  it('the dashboard: signs in, opens demo, reads the smoke test\'s masked secret, approves, sees prod deployed, the notifications delivered and what runs where', async () => {
    const doc = readFileSync(PAGE, 'utf8');
    const [signIn, open, logs, approve, deployed, notified, environments, ...extra] = stepsAfter(doc, '**The dashboard:**');
    expect(extra).toEqual([]);
    const token = readFileSync(join(work, '.sluice/admin-token'), 'utf8').trim();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page, { console: true });

    // 1. "Open http://localhost:4000 and sign in: paste the token into *Token* and press *Sign in*."
    const [tokenField, signInButton] = named(signIn!).ui;
    expect(/https?:\/\/localhost:4000/.test(signIn!)).toBe(true);
    await page.goto(platform.url);
    await page.getByLabel(tokenField!, { exact: true }).fill(token);
    await page.getByRole('button', { name: signInButton!, exact: true }).click();

    // 2. "Under *Pipelines*, open `demo`."
    const [listHeading] = named(open!).ui;
    const [pipeline] = named(open!).code;
    await page.getByRole('heading', { name: listHeading!, level: 1, exact: true }).waitFor();
    await page.getByRole('link', { name: pipeline!, exact: true }).click();
    await page.getByRole('heading', { name: pipeline!, level: 1, exact: true }).waitFor();

    // 3. "On Staging's *SmokeTest* card, *Logs* opens the execution with that action's log: `…***`. Go back to `demo`."
    const [smokeTest, logsLink] = named(logs!).ui;
    const [masked, back] = named(logs!).code;
    expect(masked).toContain('***');
    await waitForCard(page, stageOf(logs!), smokeTest!, 'Succeeded', 90_000);
    await page.locator(`[data-stage="${stageOf(logs!)}"] [data-action="${smokeTest}"]`).getByRole('link', { name: new RegExp(`^${logsLink}`) }).click();
    const log = page.getByRole('log', { name: `Log of ${stageOf(logs!)} / ${smokeTest}` });
    await log.getByText(masked!).waitFor({ timeout: 30_000 });
    firstRun = new URL(page.url()).pathname.split('/').pop()!;
    expect(firstRun).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: back!, exact: true }).click();
    await page.getByRole('heading', { name: back!, level: 1, exact: true }).waitFor();

    // 4. "On the waiting *Approve* card, write why in *Approval summary* and press *Approve*."
    const [approvalCard, summaryField, approveButton] = named(approve!).ui;
    const card = page.locator(`[data-action="${approvalCard}"][data-status="InProgress"]`);
    await card.waitFor({ timeout: 60_000 });
    await card.getByLabel(summaryField!, { exact: true }).fill('looks good');
    await card.getByRole('button', { name: approveButton!, exact: true }).click();

    // 5. "Prod's *Deploy* card turns *Succeeded*: the build is in prod."
    const [deployCard, succeeded] = named(deployed!).ui;
    await waitForCard(page, stageOf(deployed!), deployCard!, 'Succeeded', 60_000);
    expect(await page.locator(`[data-stage="${stageOf(deployed!)}"] [data-action="${deployCard}"] [data-testid="action-status"]`).innerText()).toBe(succeeded);
    expect(existsSync(join(work, '.sluice/deployments/demo/prod/current/dist/index.html'))).toBe(true);

    // 6. "The *Notifications* panel says "1 rule; the last 4 notifications delivered or on their way.""
    const [panel] = named(notified!).ui;
    const [sentence] = named(notified!).quoted;
    await page.getByRole('heading', { name: panel!, level: 2, exact: true }).waitFor();
    await untilText(page, 'notifications', sentence!);

    // 7. "*Environments* … a card for `staging` and one for `prod`, each linking the run that deployed it; prod's says "Approved by" whom, with your summary."
    const [environmentsLink] = named(environments!).ui;
    const [staging, prod] = named(environments!).code;
    const [approvedBy] = named(environments!).quoted;
    await page.getByRole('link', { name: environmentsLink!, exact: true }).click();
    for (const environment of [staging!, prod!]) {
      const run = page.locator(`[data-environment="${environment}"] [data-testid="current-execution"]`);
      await run.waitFor({ timeout: 30_000 });
      expect(await run.getAttribute('href')).toBe(`/pipelines/demo/executions/${firstRun}`);
    }
    expect(await page.locator(`[data-environment="${prod}"] [data-testid="approval"]`).innerText()).toMatch(new RegExp(`^${approvedBy} .*looks good`));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the CLI: what went where and what was told, then a commit starts one run by itself, approved with the page\'s commands and followed to its end', async () => {
    expect(firstRun).toBeDefined();
    const page = readFileSync(PAGE, 'utf8');
    const [login, getToken, approve, listId, wait, ...extra] = commandsAfter(page, '**The CLI**');
    expect(extra).toEqual([]);
    expect([login, getToken, approve, listId, wait].every((command) => command!.startsWith('npx sluice '))).toBe(true);
    await ok(login!);

    // "See what went where, and what you were told": the page's three commands, and what it says they print.
    const [environments, deliveries, received, ...more] = commandsAfter(page, 'See what went where');
    expect(more).toEqual([]);
    expect((await ok(environments!)).trim().split('\n')).toEqual([`staging\t${firstRun}`, `prod\t${firstRun}`]);
    const told = await until(deliveries!, (out) => out.trim().split('\n').length === 4, 'the four notifications of the first run');
    expect(told.trim().split('\n').map((line) => line.split('\t'))).toEqual(
      ['pipeline-execution-succeeded', 'manual-approval-succeeded', 'manual-approval-needed', 'pipeline-execution-started'].map((event) => [`codepipeline-pipeline-${event}`, 'Succeeded']),
    );
    const lines = (await ok(received!)).trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(new RegExp(`^\\S+Z {2}codepipeline-pipeline-\\S+ {2}Pipeline demo: .+ {2}${platform.url}/pipelines/demo\\S* {2}\\[[0-9a-f]{40}\\]$`));

    // "Edit greeting.txt …, commit. You start nothing": the page's commit, then its commands to find and follow the run.
    const stale = (await ok(getToken!)).trim();
    const [commit, list, follow] = commandsAfter(page, '**You start nothing:**');
    await ok(commit!);
    const found = await until(list!, (out) => out.trim().split('\t')[0] !== firstRun, 'the poller to start a run of the commit');
    const [newId, status, trigger] = found.trim().split('\t');
    expect({ status, trigger }).toEqual({ status: 'InProgress', trigger: 'PollForSourceChanges' });

    const following = bash(follow!.replace(/#.*$/, '').replace('<pipelineExecutionId>', newId!));
    // "It deploys to staging and stops at Approval again": the page's CLI commands approve it.
    const token = await until(getToken!, (out) => /^[A-Za-z0-9_-]{16,}$/.test(out.trim()) && out.trim() !== stale, 'the new run to wait at its approval', 90_000);
    await ok(approve!.replace('<token>', token.trim()));
    const id = (await ok(listId!)).trim();
    expect(id).toBe(newId);
    const waited = await bash(wait!.replace('<id>', id));
    expect(waited).toMatchObject({ code: 0, stderr: `execution ${id} of demo Succeeded\n` });
    const followed = await following;
    expect(followed.code).toBe(0);
    expect(followed.stderr).toContain(`waiting for approval: stage Approval, action Approve (execution ${newId})`);
    expect(followed.stderr.endsWith(`execution ${newId} of demo Succeeded\n`)).toBe(true);
    expect(followed.stdout).toContain('[Build/Build]');
    expect(followed.stdout).toContain('[Staging/SmokeTest] staging answers; called its API with the token ***');
    // "The Prod stage then runs, and .sluice/deployments/demo/prod/current/dist/index.html is the built page."
    expect(readFileSync(join(work, '.sluice/deployments/demo/prod/current/dist/index.html'), 'utf8')).toContain('Hello again');

    // One run per commit: the poller started none for the first commit, and one for the new one.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const all = (await ok('npx sluice list-pipeline-executions --pipeline-name demo --query "pipelineExecutionSummaries[].trigger.triggerType" --output text')).trim().split('\t');
    expect(all).toHaveLength(2);
  }, 240_000);
});
