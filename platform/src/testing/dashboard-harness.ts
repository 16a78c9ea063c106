import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { approvalAction, commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage, type FixtureCategory, type FixturePipeline } from '@sluice/testing/fixtures';
import { eventually } from '@sluice/testing';
import { signInSession } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from './platform-process';

// What every browser test of the dashboard needs: Debian's Chromium (never a downloaded browser;
// scripts/ensure-chromium.sh installs it), the dashboard's build, and the embedded platform serving it.
export const ROOT = join(__dirname, '../../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');

type AnswerError = { message: string; extensions?: { code?: string; errorCode?: string } };
type Answer<T> = { data?: T | null; errors?: AnswerError[] };

/** A GraphQL answer with errors; `errorCodes` (decision 0030) is what a caller decides by, never the message. */
export class GraphQLAnswerError extends Error {
  constructor(readonly errors: readonly AnswerError[]) {
    super(`GraphQL: ${JSON.stringify(errors)}`);
  }

  get errorCodes(): Array<string | undefined> {
    return this.errors.map((error) => error.extensions?.errorCode);
  }
}

export async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const answer = (await res.json()) as Answer<T>;
  if (answer.errors?.length) throw new GraphQLAnswerError(answer.errors);
  if (!answer.data) throw new Error(`GraphQL: ${JSON.stringify(answer)}`);
  return answer.data;
}

export { eventually };

/**
 * Signs a browser context in as the dashboard's sign-in does (decision 0045): the token is exchanged for a session at
 * `POST /session`, and the context gets the httpOnly session cookie the gateway set. The session's id.
 */
export async function signInContext(context: BrowserContext, url: string, token: string): Promise<string> {
  const id = await signInSession(url, token);
  await context.addCookies([{ name: 'sluice_session', value: id, url, httpOnly: true, sameSite: 'Strict' }]);
  return id;
}

/** Source (a real git repository) → Build (two actions in parallel, then one more) → Approval → Deploy. */
export function webAppPipeline(name: string, repositoryUrl: string): FixturePipeline {
  const commands = (name: string, runOrder: number, command: string, category: FixtureCategory = 'Build') => commandsAction(name, command, { category, runOrder, inputs: 'SourceOutput' });
  return pipelineDefinition({
    name,
    stages: [
      gitSourceStage({ repositoryUrl, runOrder: 1 }),
      // Long enough for a person (and a test) to see the cards in progress.
      stage('Build', commands('Compile', 1, 'echo compiling && sleep 3 && echo compiled'), commands('Lint', 1, 'sleep 2 && echo linted'), commands('Package', 2, 'echo packaged')),
      stage('Approval', approvalAction('Approve', { CustomData: 'Ship it?' })),
      stage('Deploy', commands('Release', 1, 'echo released', 'Deploy')),
    ],
  });
}

/** A git repository with one commit, as a file:// URL for a Sluice Git source. */
export function gitRepository(dir: string): string {
  return `file://${initGitRepository(dir, { 'index.html': '<h1>web-app</h1>\n' }, 'Add the landing page')}`;
}

/** Every status each card and stage shows, in order, recorded in the page as it changes (no reload would keep it). */
export async function recordStatusChanges(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
    const record = () => {
      for (const card of document.querySelectorAll<HTMLElement>('[data-action][data-status]')) {
        const entry = `${card.closest<HTMLElement>('[data-stage]')?.dataset.stage}/${card.dataset.action}:${card.dataset.status}`;
        if (!seen.includes(entry)) seen.push(entry);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

export const seenStatuses = (page: Page) => page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
export const cardStatus = (page: Page, stage: string, action: string) => page.locator(`[data-stage="${stage}"] [data-action="${action}"]`).getAttribute('data-status');

export async function waitForCard(page: Page, stage: string, action: string, status: string, timeoutMs = 60_000): Promise<void> {
  await page.locator(`[data-stage="${stage}"] [data-action="${action}"][data-status="${status}"]`).waitFor({ timeout: timeoutMs }).catch(async (error: unknown) => {
    throw new Error(`${stage}/${action} did not show ${status} (it shows ${await cardStatus(page, stage, action)}; seen: ${JSON.stringify(await seenStatuses(page).catch(() => []))}): ${String(error)}`);
  });
}

/** Uncaught errors, console errors and HTTP errors of a page, for `expect(errors).toEqual([])`. */
export function collectPageErrors(page: Page, { console: withConsole = false } = {}): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (withConsole) page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
  page.on('response', (response) => void (response.status() >= 400 && errors.push(`HTTP ${response.status()} ${response.url()}`)));
  return errors;
}

/**
 * Builds the dashboard when its build is stale. Several browser suites run at once in jest's workers: one builds,
 * the others wait for it (a directory is the lock: mkdir is atomic).
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const lock = join(ROOT, 'web', '.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is older than any build takes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held for more than 3 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
}

/** A user of the default account with one managed policy, and a token for it, made through the permissions API by `token`'s principal. */
export async function userWithToken(url: string, token: string, userName: string, managedPolicy: string, approverScope?: { pipeline: string; stage: string }): Promise<string> {
  await gql(url, token, 'mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName });
  await gql(url, token, 'mutation($u: String!, $m: String!, $s: ApproverScopeInput) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: $m, approverScope: $s) { name } }', {
    u: userName,
    m: managedPolicy,
    s: approverScope ?? null,
  });
  return (await gql<{ createToken: { token: string } }>(url, token, 'mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName })).createToken.token;
}

export interface Dashboard {
  /** The temporary folder of this run (the platform's data is in `data/`). */
  base: string;
  platform: PlatformProcess;
  url: string;
  /** The admin token the platform wrote at its first start. */
  token: string;
  browser: Browser;
  /** A browser context signed in with a token, the admin's by default (its session cookie is set before any page runs). */
  signedInContext(viewport?: { width: number; height: number }, as?: string): Promise<BrowserContext>;
  gql<T>(query: string, variables?: Record<string, unknown>, as?: string): Promise<T>;
  /** A user with one managed policy (ReadOnly, Approver with its scope…) and a token for it, made by the admin. */
  userWithToken(userName: string, managedPolicy: string, approverScope?: { pipeline: string; stage: string }): Promise<string>;
  /** Starts an execution through the API, as the admin; its id. */
  startExecution(pipeline: string): Promise<string>;
  /** Creates a pipeline as the admin and waits until the executions service knows its stages. */
  createPipeline(definition: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** The embedded platform (as `npm start` starts it, without the demo) serving the dashboard's build, and Chromium. */
export async function startDashboard(extraEnv: Record<string, string> = {}): Promise<Dashboard> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (Debian's chromium package)`);
  await ensureDashboardBuilt();
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-dashboard-')));
  // No git poll: only the dashboard (or the test) starts executions.
  const platform = await startPlatformProcess(join(base, 'data'), { SLUICE_WEB_DIR: join(ROOT, 'web/dist'), SLUICE_POLL_INTERVAL_MS: '3600000', ...extraEnv });
  const url = platform.url;
  const token = readFileSync(join(base, 'data', 'admin-token'), 'utf8').trim();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const call = <T>(query: string, variables: Record<string, unknown> = {}, as = token) => gql<T>(url, as, query, variables);
  return {
    base,
    platform,
    url,
    token,
    browser,
    async signedInContext(viewport = { width: 1280, height: 800 }, as = token) {
      const context = await browser.newContext({ viewport });
      await signInContext(context, url, as);
      return context;
    },
    gql: call,
    userWithToken: (userName, managedPolicy, approverScope) => userWithToken(url, token, userName, managedPolicy, approverScope),
    async startExecution(pipeline) {
      const answer = await call<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation($p: String!) { startPipelineExecution(name: $p) { pipelineExecutionId } }', { p: pipeline });
      return answer.startPipelineExecution.pipelineExecutionId;
    },
    async createPipeline(definition) {
      await call('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition });
      const stages = (definition.stages as unknown[]).length;
      await eventually(
        async () => ((await call<{ getPipeline: { state: { stageStates: unknown[] } | null } }>('query($n: String!) { getPipeline(name: $n) { state { stageStates { stageName } } } }', { n: definition.name })).getPipeline.state?.stageStates.length === stages ? true : undefined),
        `the executions service to know the stages of ${String(definition.name)}`,
        30_000,
      );
    },
    async stop() {
      await browser.close().catch(() => undefined);
      const code = await platform.stop();
      if (code !== 0) console.log(`platform exited with ${code}:\n${platform.output().slice(-4000)}`);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
