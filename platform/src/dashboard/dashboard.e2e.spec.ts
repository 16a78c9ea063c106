import { request } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  cardStatus,
  collectPageErrors,
  eventually,
  gql,
  recordStatusChanges,
  SCREENSHOTS,
  seenStatuses,
  startDashboard,
  waitForCard,
  webAppPipeline,
  gitRepository,
  userWithToken,
  type Dashboard,
} from '../testing/dashboard-harness';

// The dashboard in Debian's Chromium against the embedded platform, started as `npm start` starts it but without the
// demo, serving the dashboard's build (platform/src/testing/dashboard-harness.ts).
const PIPELINE = 'web-app';

/** A raw GET: the path goes on the wire as written (fetch would resolve '..'). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the dashboard, served by the gateway, in Chromium', () => {
  let dashboard: Dashboard;
  let url: string;
  /** The admin token the platform wrote at its first start. */
  let token: string;
  let repositoryUrl: string;
  const signedInContext = (viewport: { width: number; height: number }, as?: string) => dashboard.signedInContext(viewport, as);

  beforeAll(async () => {
    dashboard = await startDashboard();
    ({ url, token } = dashboard);
    repositoryUrl = gitRepository(join(dashboard.base, 'repo'));
    await dashboard.createPipeline(webAppPipeline(PIPELINE, repositoryUrl));
    await dashboard.createPipeline(webAppPipeline('docs-site', repositoryUrl));
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  it('is served at / with its assets, index.html for its routes, and no way out of the build', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    const style = /<link rel="stylesheet" crossorigin href="(\/assets\/index-[\w-]+\.css)"/.exec(html)?.[1];
    expect([script, style]).toEqual([expect.stringMatching(/^\/assets\//), expect.stringMatching(/^\/assets\//)]);
    const js = await fetch(`${url}${script}`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect(await js.text()).toContain('graphql-transport-ws');
    expect((await fetch(`${url}${style}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');

    const route = await fetch(`${url}/pipelines/${PIPELINE}/executions/abc`);
    expect([route.status, await route.text()]).toEqual([200, html]);
    expect((await fetch(`${url}/assets/missing-0000.js`)).status).toBe(404);
    for (const path of ['/../package.json', '/assets/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json']) {
      const answer = await rawGet(url, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).not.toContain('"workspaces"');
    }
    // The API keeps its paths.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const graphql = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ __typename }"}' });
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await fetch(`${url}/webhooks/generic/none`)).headers.get('content-type')).not.toContain('text/html');
  });

  it('signs in, lists the pipelines, releases a change, shows it live, takes an approval, and the run succeeds', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page, { console: true });
    const graphqlHeaders: Array<Record<string, string>> = [];
    page.on('request', (req) => void (req.url().endsWith('/graphql') && graphqlHeaders.push(req.headers())));
    const wsInits: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => void (String(payload).includes('connection_init') && wsInits.push(String(payload)))));

    // Not signed in: the dashboard asks for a token without a refused request or a red error (decision 0045).
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    expect(graphqlHeaders).toEqual([]);
    await page.getByLabel('Token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The gateway refused the token' }).waitFor();
    expect(await context.cookies()).toEqual([]);

    // Signed in: the gateway keeps the token and the browser an httpOnly, SameSite=Strict cookie no script can read.
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    expect((await context.cookies()).map(({ name, httpOnly, sameSite, path }) => ({ name, httpOnly, sameSite, path }))).toEqual([{ name: 'sluice_session', httpOnly: true, sameSite: 'Strict', path: '/' }]);
    expect(await page.evaluate(() => [document.cookie, JSON.stringify(sessionStorage), JSON.stringify(localStorage)].join(' '))).not.toContain(token);
    expect(await page.getByTestId('identity').innerText()).toMatch(/^Signed in as \S+ \(default\)$/);
    pageErrors.length = 0;

    // The list: both pipelines, a block per stage, search.
    const row = page.locator(`tr[data-pipeline="${PIPELINE}"]`);
    await row.waitFor();
    expect(await row.locator('.block').count()).toBe(4);
    expect(await page.locator('tr[data-pipeline="docs-site"]').count()).toBe(1);
    await page.getByLabel('Search').fill('web');
    await page.locator('tr[data-pipeline="docs-site"]').waitFor({ state: 'detached' });
    expect(await row.count()).toBe(1);
    await page.getByLabel('Search').fill('');
    // No request carries the token: the cookie authenticates them, with the CSRF header; graphql-ws's init carries nothing.
    expect(graphqlHeaders.length).toBeGreaterThan(0);
    expect(graphqlHeaders.map((headers) => [headers.authorization, headers['x-sluice-csrf']])).toEqual(graphqlHeaders.map(() => [undefined, '1']));
    await eventually(async () => (wsInits.length > 0 ? true : undefined), 'a graphql-ws connection', 10_000);
    expect(wsInits.every((init) => !init.includes(token))).toBe(true);

    // The pipeline view: stages as columns, actions grouped by runOrder, nothing run yet.
    await row.getByRole('link', { name: PIPELINE }).click();
    await page.getByRole('heading', { name: PIPELINE, level: 1 }).waitFor();
    await page.locator('[data-stage="Build"] [data-action="Compile"]').waitFor();
    expect(await page.locator('section[data-stage]').evaluateAll((stages) => stages.map((s) => (s as HTMLElement).dataset.stage))).toEqual(['Source', 'Build', 'Approval', 'Deploy']);
    expect(await page.locator('[data-stage="Build"] [role="group"]').evaluateAll((groups) => groups.map((g) => g.getAttribute('aria-label')))).toEqual(['Run order 1', 'Run order 2']);
    expect(await cardStatus(page, 'Build', 'Compile')).toBe('None');
    expect(await page.locator('[data-transition]').count()).toBe(3);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await recordStatusChanges(page);

    await page.getByRole('button', { name: 'Release change' }).click();
    await page.getByText(/Release started: execution/).waitFor();
    await waitForCard(page, 'Build', 'Compile', 'InProgress');
    await waitForCard(page, 'Approval', 'Approve', 'InProgress', 90_000);
    const compile = page.locator('[data-stage="Build"] [data-action="Compile"]');
    expect(await compile.locator('.revision').innerText()).toMatch(/^[0-9a-f]{8}\s+Add the landing page$/);
    expect(await compile.locator('footer').innerText()).toMatch(/\d+ s/);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-view-approval.png') });

    // Approve from the card: a summary is required.
    const approval = page.locator('[data-stage="Approval"] [data-action="Approve"]');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await approval.getByRole('alert').filter({ hasText: 'summary' }).waitFor();
    await approval.getByLabel('Approval summary').fill('Looks good in the browser test');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await waitForCard(page, 'Deploy', 'Release', 'Succeeded', 90_000);
    await waitForCard(page, 'Approval', 'Approve', 'Succeeded');
    await page.locator('tr[data-execution] .badge.status-Succeeded').waitFor({ timeout: 30_000 });

    const seen = await seenStatuses(page);
    for (const [before, after] of [
      ['Build/Compile:None', 'Build/Compile:InProgress'],
      ['Build/Compile:InProgress', 'Build/Compile:Succeeded'],
      ['Build/Lint:InProgress', 'Build/Package:Succeeded'],
      ['Approval/Approve:InProgress', 'Approval/Approve:Succeeded'],
      ['Approval/Approve:Succeeded', 'Deploy/Release:Succeeded'],
    ]) {
      expect({ before, after, order: seen.indexOf(before) >= 0 && seen.indexOf(before) < seen.indexOf(after) }).toEqual({ before, after, order: true });
    }
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // No polling: with nothing happening, the page asks the gateway nothing. Once the run's last changes have been
    // read (on a fast machine the test got here while the page still read the one that ended the run: 26 → 27).
    await eventually(async () => {
      const before = graphqlHeaders.length;
      await page.waitForTimeout(1_000);
      return graphqlHeaders.length === before ? true : undefined;
    }, 'the page to have read the run’s last change', 15_000);
    const asked = graphqlHeaders.length;
    await page.waitForTimeout(3_000);
    expect(graphqlHeaders.length).toBe(asked);

    // A transition disabled from the view, with its reason, and enabled again: shown live.
    const transition = page.locator('[data-transition="Deploy"]');
    await transition.getByRole('button', { name: 'Disable transition into Deploy' }).click();
    await transition.getByLabel('Reason').fill('Release freeze');
    await transition.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.locator('[data-transition="Deploy"][data-enabled="false"]').waitFor({ timeout: 30_000 });
    expect(await transition.locator('.reason').innerText()).toBe('Disabled: Release freeze');
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-view.png') });
    await transition.getByRole('button', { name: 'Enable transition into Deploy' }).click();
    await page.locator('[data-transition="Deploy"][data-enabled="true"]').waitFor({ timeout: 30_000 });

    // The execution's detail: a timeline of its actions.
    await compile.getByRole('link', { name: /^Logs/ }).click();
    await page.locator('[data-testid="execution-status"].status-Succeeded').waitFor();
    await page.locator('.timeline tbody[data-stage="Deploy"] tr[data-action="Release"]').waitFor();
    expect(await page.locator('.timeline tbody tr[data-action]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action))).toEqual([
      'Checkout',
      'Compile',
      'Lint',
      'Package',
      'Approve',
      'Release',
    ]);
    expect(await page.locator('.timeline .bar.status-Succeeded').count()).toBe(6);
    // The stored log of the action the link named is open.
    const compileLog = page.getByRole('log', { name: 'Log of Build / Compile' });
    await compileLog.getByText('compiled').waitFor();
    expect(await compileLog.innerText()).toMatch(/compiling[\s\S]*compiled/);
    await page.screenshot({ path: join(SCREENSHOTS, 'execution-detail.png') });

    // Back to the list, which now shows the run's stages as succeeded.
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().click();
    await row.waitFor();
    expect(await row.locator('.block').evaluateAll((blocks) => blocks.map((b) => (b as HTMLElement).dataset.status))).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipelines-list.png') });
    await page.getByLabel('Filter by status').selectOption('None');
    await row.waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-pipeline]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.pipeline))).toEqual(['docs-site']);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);

  it('rejects an approval, retries the failed stage, and stops the execution, from the view', async () => {
    const context = await signedInContext({ width: 1280, height: 800 });
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-stage="Deploy"] [data-action="Release"]').waitFor();
    await page.getByRole('button', { name: 'Release change' }).click();
    const started = /Release started: execution (\S+)/.exec(await page.getByText(/Release started: execution/).innerText())![1]!;
    // The running execution's page: Compile's log line appears while the command still runs.
    await page.getByRole('link', { name: started.slice(0, 8), exact: true }).first().click();
    const log = page.getByRole('log', { name: 'Log of Build / Compile' });
    await log.getByText('compiling').waitFor({ timeout: 60_000 });
    expect(await page.locator('.timeline tr[data-action="Compile"] .badge').innerText()).toBe('In progress');
    expect(await log.innerText()).not.toContain('compiled');
    await log.getByText('compiled').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'execution-logs.png') });
    await page.getByRole('link', { name: PIPELINE, exact: true }).click();

    const approval = page.locator('[data-stage="Approval"] [data-action="Approve"]');
    await page.locator(`[data-stage="Approval"] [data-action="Approve"][data-status="InProgress"] a[href*="${started}"]`).waitFor({ timeout: 90_000 });

    await approval.getByLabel('Approval summary').fill('Not this one');
    await approval.getByRole('button', { name: 'Reject' }).click();
    await page.locator('section[data-stage="Approval"][data-status="Failed"]').waitFor({ timeout: 30_000 });
    expect(await approval.getAttribute('data-status')).toBe('Failed');
    expect(await page.locator(`tr[data-execution="${started}"] .badge`).innerText()).toBe('Failed');

    await page.getByRole('button', { name: 'Retry failed actions of Approval' }).click();
    await page.locator('[data-stage="Approval"] [data-action="Approve"][data-status="InProgress"]').waitFor({ timeout: 30_000 });
    expect(await page.locator(`tr[data-execution="${started}"] .badge`).innerText()).toBe('In progress');

    await page.getByRole('button', { name: `Stop execution ${started}` }).click();
    await page.getByLabel('Reason').fill('Superseded by a hotfix');
    await page.getByLabel('Abandon running actions').check();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator(`tr[data-execution="${started}"] .badge.status-Stopped`).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: `Stop execution ${started}` }).waitFor({ state: 'detached' });
    await context.close();
  }, 180_000);

  it('fits a narrow screen and is usable with the keyboard alone', async () => {
    const context = await signedInContext({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-stage="Deploy"] [data-action="Release"][data-status="Succeeded"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Release change' }).waitFor();
    // Stages stack: nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const lefts = await page.locator('section[data-stage]').evaluateAll((stages) => stages.map((s) => Math.round(s.getBoundingClientRect().left)));
    expect(new Set(lefts).size).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-view-narrow.png'), fullPage: true });

    // Tab reaches "Release change"; Enter on a focused link navigates.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    let reached = false;
    for (let i = 0; i < 16 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Release change';
    }
    expect(reached).toBe(true);
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
    await context.close();
  }, 120_000);

  const startExecution = async (pipeline: string) =>
    (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(url, token, 'mutation($p: String!) { startPipelineExecution(name: $p) { pipelineExecutionId } }', { p: pipeline }))
      .startPipelineExecution.pipelineExecutionId;
  /** The buttons of the page's main area, by their accessible text. */
  // The buttons of the page itself; the "Approval waiting" banner repeats a card's Approve/Reject and is read apart.
  const buttonsOf = (page: Page) =>
    page.locator('main button').evaluateAll((buttons) => buttons.filter((b) => !b.closest('[data-testid="approval-banner"]')).map((b) => (b.textContent ?? '').trim()));
  const bannerApprovals = (page: Page) => page.locator('[data-testid="approval-banner"] [data-approval]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.approval));

  it('shows a read-only user no mutate buttons, while the state still renders and updates live', async () => {
    const viewer = await userWithToken(url, token, 'viewer', 'ReadOnly');
    await expect(gql(url, viewer, 'mutation($p: String!) { startPipelineExecution(name: $p) { pipelineExecutionId } }', { p: PIPELINE })).rejects.toThrow(/Forbidden: sluice:StartPipelineExecution/);
    const context = await signedInContext({ width: 1280, height: 800 }, viewer);
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);

    await page.goto(`${url}/`);
    await page.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();
    expect(await buttonsOf(page)).toEqual([]);

    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.getByTestId('read-only').waitFor();
    await page.locator('[data-stage="Deploy"] [data-action="Release"]').waitFor();
    expect(await page.locator('[data-transition]').count()).toBe(3);
    expect(await buttonsOf(page)).toEqual([]);
    await recordStatusChanges(page);

    // The admin releases through the API: the viewer's page follows it, still without a button (no Stop, no Approve).
    const started = await startExecution(PIPELINE);
    await waitForCard(page, 'Build', 'Compile', 'InProgress');
    await page.locator(`[data-stage="Approval"] [data-action="Approve"][data-status="InProgress"] a[href*="${started}"]`).waitFor({ timeout: 90_000 });
    await page.locator(`tr[data-execution="${started}"]`).waitFor();
    expect(await page.locator('.running-row').count()).toBeGreaterThan(0);
    expect(await buttonsOf(page)).toEqual([]);
    expect(await page.locator('[data-stage="Approval"] [data-action="Approve"] textarea').count()).toBe(0);

    // The execution's page, by Compile's Logs link: its timeline and that log, and no button either.
    await page.locator('[data-stage="Build"] [data-action="Compile"]').getByRole('link', { name: /^Logs/ }).click();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${PIPELINE}/executions/${started}`);
    await page.locator('.timeline tbody tr[data-action="Approve"]').waitFor();
    await page.getByRole('log', { name: 'Log of Build / Compile' }).getByText('compiled').waitFor({ timeout: 30_000 });
    expect(await buttonsOf(page)).toEqual([]);
    // Stopped by the admin: shown live on the execution page.
    await gql(url, token, 'mutation($p: String!, $id: ID!) { stopPipelineExecution(pipelineName: $p, pipelineExecutionId: $id, abandon: true, reason: "test") { status } }', { p: PIPELINE, id: started });
    await page.locator('[data-testid="execution-status"].status-Stopped').waitFor({ timeout: 30_000 });
    expect(await buttonsOf(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('shows an approver of one stage Approve only at that stage', async () => {
    // Two manual approvals; the approver may decide only the second (Ship), and reads only this pipeline.
    const gated = 'gated';
    const approval = (name: string) => ({ name, actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1 });
    const definition = webAppPipeline(gated, repositoryUrl) as { stages: unknown[] };
    definition.stages = [definition.stages[0], { name: 'Check', actions: [approval('SignOff')] }, { name: 'Ship', actions: [approval('Go')] }];
    await gql(url, token, 'mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition });
    const approver = await userWithToken(url, token, 'shipper', 'Approver', { pipeline: gated, stage: 'Ship' });
    await eventually(
      async () => ((await gql<{ getPipeline: { state: { stageStates: unknown[] } | null } }>(url, token, `query { getPipeline(name: "${gated}") { state { stageStates { stageName } } } }`)).getPipeline.state?.stageStates.length ? true : undefined),
      'the executions service to know the gated pipeline',
      30_000,
    );
    const started = await startExecution(gated);

    const context = await signedInContext({ width: 1280, height: 800 }, approver);
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${gated}`);
    await page.locator('[data-rights="known"]').waitFor();
    await waitForCard(page, 'Check', 'SignOff', 'InProgress', 60_000);
    expect(await page.getByTestId('read-only').count()).toBe(0);
    // Waiting at Check, which the approver may not decide: no form there, no other button, and no banner for it.
    expect(await buttonsOf(page)).toEqual([]);
    expect(await bannerApprovals(page)).toEqual([]);

    // The admin signs off Check; Ship's approval comes up live, with Approve/Reject for the approver.
    const state = await gql<{ getPipeline: { state: { stageStates: Array<{ stageName: string; actionStates: Array<{ actionName: string; latestExecution: { token: string | null } | null }> }> } } }>(
      url,
      token,
      `query { getPipeline(name: "${gated}") { state { stageStates { stageName actionStates { actionName latestExecution { token } } } } } }`,
    );
    const signOffToken = state.getPipeline.state.stageStates.find((s) => s.stageName === 'Check')!.actionStates[0]!.latestExecution!.token!;
    await gql(
      url,
      token,
      'mutation($p: String!, $t: String!) { putApprovalResult(pipelineName: $p, stageName: "Check", actionName: "SignOff", token: $t, result: { status: Approved, summary: "admin" }) { approvedAt } }',
      { p: gated, t: signOffToken },
    );
    const go = page.locator('[data-stage="Ship"] [data-action="Go"]');
    await waitForCard(page, 'Ship', 'Go', 'InProgress', 60_000);
    await go.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await buttonsOf(page)).toEqual(['Approve', 'Reject']);
    expect(await bannerApprovals(page)).toEqual(['Ship/Go']);
    expect(await page.locator('[data-stage="Check"] button').count()).toBe(0);
    await go.getByLabel('Approval summary').fill('Shipping it');
    await go.getByRole('button', { name: 'Approve' }).click();
    await waitForCard(page, 'Ship', 'Go', 'Succeeded', 60_000);
    await page.locator(`tr[data-execution="${started}"] .badge.status-Succeeded`).waitFor({ timeout: 30_000 });
    expect(await buttonsOf(page)).toEqual([]);
    await context.close();
  }, 180_000);

  it('lists the executions with filters, shows the audit log, and the pipeline as of before an update', async () => {
    const name = 'history-demo';
    const definition = webAppPipeline(name, repositoryUrl) as { stages: Array<Record<string, unknown>> };
    const commandsStage = (stage: string, command: string) => ({
      name: stage,
      actions: [{ name: `${stage}Step`, actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, runOrder: 1, configuration: { Commands: command }, inputArtifacts: [{ name: 'SourceOutput' }] }],
    });
    definition.stages = [definition.stages[0]!, commandsStage('Build', 'echo built')];
    await gql(url, token, 'mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition });
    const knownStages = (count: number) =>
      eventually(
        async () => ((await gql<{ getPipeline: { state: { stageStates: unknown[] } | null } }>(url, token, `query { getPipeline(name: "${name}") { state { stageStates { stageName } } } }`)).getPipeline.state?.stageStates.length === count ? true : undefined),
        `the executions service to know ${count} stages of ${name}`,
        30_000,
      );
    const finished = (id: string) =>
      eventually(
        async () => {
          const { status } = (await gql<{ getPipelineExecution: { status: string } }>(url, token, 'query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status } }', { p: name, id })).getPipelineExecution;
          return status === 'InProgress' || status === 'Stopping' ? undefined : status;
        },
        `execution ${id} to finish`,
        90_000,
      );
    await knownStages(2);
    const succeeded = await startExecution(name);
    expect(await finished(succeeded)).toBe('Succeeded');
    // Version 2 adds a stage that fails. The slider moves by seconds from the creation: version 1 must have lasted
    // more than two of them for "a second after the creation" to be before the update (a run takes less).
    const { created } = (await gql<{ getPipeline: { metadata: { created: string } } }>(url, token, 'query($n: String!) { getPipeline(name: $n) { metadata { created } } }', { n: name })).getPipeline.metadata;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(created) + 2500 - Date.now())));
    definition.stages.push(commandsStage('Verify', 'echo checking && exit 1'));
    await gql(url, token, 'mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: { ...definition, version: 1 } });
    // The executions service learns the new version from its event: an execution started before then would run version 1.
    await eventually(
      async () => ((await gql<{ getPipeline: { state: { stageStates: Array<{ stageName: string }> } | null } }>(url, token, `query { getPipeline(name: "${name}") { state { stageStates { stageName } } } }`)).getPipeline.state?.stageStates.some((s) => s.stageName === 'Verify') ? true : undefined),
      'the executions service to know version 2',
      30_000,
    );
    const failed = await startExecution(name);
    expect(await finished(failed)).toBe('Failed');

    const context = await signedInContext({ width: 1280, height: 800 });
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    const shownExecutions = () => page.locator('table.executions tbody tr[data-execution]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.execution));

    // History: both runs; filtered by Failed, the one that failed; by a trigger none had, none. Each row links to its execution.
    await page.goto(`${url}/pipelines/${name}`);
    await page.getByRole('link', { name: 'All executions, with filters' }).click();
    await page.getByRole('heading', { name: `Executions of ${name}` }).waitFor();
    await page.locator(`table.executions tr[data-execution="${succeeded}"]`).waitFor();
    expect(await shownExecutions()).toEqual([failed, succeeded]);
    await page.getByLabel('Status').selectOption('Failed');
    await page.locator(`table.executions tr[data-execution="${succeeded}"]`).waitFor({ state: 'detached' });
    await page.locator('table.executions[data-loaded]').waitFor();
    expect(await shownExecutions()).toEqual([failed]);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Trigger').selectOption('Webhook');
    await page.getByText('No execution matches.').waitFor();
    await page.getByLabel('Trigger').selectOption('StartPipelineExecution');
    await page.locator(`table.executions tr[data-execution="${succeeded}"]`).waitFor();
    // Live: a new execution appears on top without a reload.
    const third = await startExecution(name);
    await page.locator(`table.executions tr[data-execution="${third}"]`).waitFor({ timeout: 30_000 });
    expect((await shownExecutions())[0]).toBe(third);
    await page.screenshot({ path: join(SCREENSHOTS, 'execution-history.png') });
    await page.locator(`table.executions tr[data-execution="${failed}"]`).getByRole('link').click();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${name}/executions/${failed}`);
    await page.locator('[data-testid="execution-status"].status-Failed').waitFor();

    // The audit log, offered to the admin: the update just made, by operation; and a call made now appears live.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('table.audit[data-loaded]').waitFor();
    await page.getByLabel('Operation').fill('sluice:UpdatePipeline');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const updates = page.locator('table.audit tbody tr[data-operation="sluice:UpdatePipeline"]');
    await updates.first().waitFor();
    expect(await page.locator('table.audit tbody tr[data-audit]').count()).toBe(1);
    expect(await updates.innerText()).toMatch(new RegExp(`sluice:UpdatePipeline[\\s\\S]*:${name}[\\s\\S]*Allow[\\s\\S]*succeeded`));
    await page.getByLabel('Operation').fill('sluice:StartPipelineExecution');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.audit tbody tr[data-operation="sluice:StartPipelineExecution"]').first().waitFor();
    const before = await page.locator('table.audit tbody tr[data-audit]').count();
    const fourth = await startExecution(name);
    await eventually(async () => ((await page.locator('table.audit tbody tr[data-audit]').count()) === before + 1 ? true : undefined), 'the new call to appear live in the audit log', 30_000);
    expect(await page.locator('table.audit tbody tr[data-audit]:not([data-operation="sluice:StartPipelineExecution"])').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-log.png') });

    // Both later runs end at Verify, failed: "now" on the slider is then the same whichever instant it reads.
    expect(await finished(third)).toBe('Failed');
    expect(await finished(fourth)).toBe('Failed');

    // The time slider, by the keyboard: Home and a second on is just after the creation; End is now.
    await page.goto(`${url}/pipelines/${name}`);
    await page.getByRole('link', { name: 'As of an earlier time' }).click();
    const slider = page.getByLabel('Instant');
    await page.getByTestId('as-of-banner').waitFor();
    const stagesShown = () => page.locator('.as-of section[data-stage]').evaluateAll((stages) => stages.map((s) => (s as HTMLElement).dataset.stage));
    await page.locator('.as-of[data-version="2"]').waitFor();
    expect(await stagesShown()).toEqual(['Source', 'Build', 'Verify']);
    await slider.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    // A second after the creation: version 1, without the Verify stage, and nothing had failed yet.
    await page.locator('.as-of[data-version="1"]').waitFor({ timeout: 10_000 });
    expect(await stagesShown()).toEqual(['Source', 'Build']);
    expect(await page.locator('.as-of section[data-status="Failed"]').count()).toBe(0);
    expect(await page.getByTestId('as-of-banner').innerText()).toMatch(/^As of .*: version 1, read-only\./);
    // Read-only: nothing to press but the slider's marks, which only move it.
    expect(await page.locator('main button:not(.mark)').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-as-of.png') });
    await page.keyboard.press('End');
    await page.locator('.as-of section[data-stage="Verify"][data-status="Failed"]').waitFor({ timeout: 10_000 });
    expect(await stagesShown()).toEqual(['Source', 'Build', 'Verify']);
    await page.getByRole('link', { name: 'Back to live' }).click();
    await page.locator('section[data-stage="Verify"]').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${name}`);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);

  it('offers the audit log only to a principal allowed to read it', async () => {
    const reader = await userWithToken(url, token, 'pipeline-reader', 'ReadOnly');
    const context = await signedInContext({ width: 1280, height: 800 }, reader);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();
    // The link is drawn once the dashboard knows the answer (its own myPermissions call).
    await page.locator('nav[aria-label="Main"]:not([data-audit="pending"])').waitFor();
    const allowed = await gql<{ myPermissions: Array<{ allowed: boolean }> }>(url, reader, 'query { myPermissions(checks: [{ action: "sluice:LookupAuditEvents", resource: "srn:sluice:default:" }]) { allowed } }').catch(() => undefined);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(allowed?.myPermissions[0]?.allowed ? 1 : 0);
    await context.close();
  }, 60_000);
});
