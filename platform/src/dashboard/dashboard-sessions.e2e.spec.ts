import { join } from 'node:path';
import WebSocket from 'ws';
import type { BrowserContext, Page } from 'playwright-core';
import { collectPageErrors, gitRepository, gql, signInContext, startDashboard, webAppPipeline, type Dashboard } from '../testing/dashboard-harness';

// Sessions of the dashboard (issue 22 item 7, decision 0045): the token is exchanged for an httpOnly, SameSite=Strict
// cookie at /session; new tabs and deep links are signed in, sign-in returns to the page asked for, sign-out ends the
// session on the gateway; the cookie is no use to another site's page; bearer tokens keep working for API clients.
const PIPELINE = 'web-app';

describe('dashboard sessions, in Chromium', () => {
  let dashboard: Dashboard;
  let url: string;

  beforeAll(async () => {
    dashboard = await startDashboard();
    url = dashboard.url;
    await dashboard.createPipeline(webAppPipeline(PIPELINE, gitRepository(join(dashboard.base, 'repo'))));
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  /** `/graphql` with a session cookie and the given extra headers: the HTTP status and the answer. */
  async function withCookie(id: string, headers: Record<string, string>, query = '{ whoami { account actor } }'): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
    const answer = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `sluice_session=${id}`, ...headers }, body: JSON.stringify({ query }) });
    return { status: answer.status, body: (await answer.json()) as never };
  }

  /** Signs in through the form of the page it is on. */
  async function signInWithForm(page: Page, token: string): Promise<void> {
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name === 'sluice_session');

  it('opens a deep link after sign-in, keeps the session in new tabs, and signs out on the gateway', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });

    // A deep link while signed out: the sign-in form, with where to go back to, and no error of any kind.
    await page.goto(`${url}/pipelines/${PIPELINE}/executions?x=1#top`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const asked = new URL(page.url());
    expect([asked.pathname, asked.searchParams.get('next')]).toEqual(['/sign-in', `/pipelines/${PIPELINE}/executions?x=1#top`]);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);

    // Sign-in lands on the page asked for.
    await signInWithForm(page, dashboard.token);
    await page.getByRole('heading', { name: `Executions of ${PIPELINE}`, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${PIPELINE}/executions`);
    const cookie = await sessionCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // A new tab and another deep link: signed in, no form.
    const tab = await context.newPage();
    const tabErrors = collectPageErrors(tab, { console: true });
    await tab.goto(`${url}/pipelines/${PIPELINE}`);
    await tab.getByRole('heading', { name: PIPELINE, level: 1 }).waitFor();
    await tab.locator('[data-stage="Build"] [data-action="Compile"]').waitFor();
    expect(await tab.getByTestId('identity').innerText()).toMatch(/^Signed in as \S+ \(default\)$/);
    expect(tabErrors).toEqual([]);

    // Sign-out (from the header) ends the session on the gateway: the cookie is gone, and a copy of it is refused.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await sessionCookie(context)).toBeUndefined();
    const copy = await withCookie(cookie!.value, { 'x-sluice-csrf': '1' });
    expect([copy.status, copy.body.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    // The other tab follows at its next request: to the sign-in form, saying why, and back to where it was after.
    await tab.reload();
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(tab.url()).searchParams.get('next')).toBe(`/pipelines/${PIPELINE}`);
    await signInWithForm(tab, dashboard.token);
    await tab.getByRole('heading', { name: PIPELINE, level: 1 }).waitFor();
    expect(new URL(tab.url()).pathname).toBe(`/pipelines/${PIPELINE}`);
    await context.close();
  }, 120_000);

  it('takes the cookie only from the dashboard: the CSRF header and the origin on HTTP, the origin on graphql-ws', async () => {
    const context = await dashboard.browser.newContext();
    const id = await signInContext(context, url, dashboard.token);
    const host = new URL(url).host;

    const ok = await withCookie(id, { 'x-sluice-csrf': '1', origin: url });
    expect([ok.status, (ok.body.data as { whoami: { account: string } }).whoami.account]).toEqual([200, 'default']);
    // Without the header (a form or an <img> of another site would send the cookie, never the header): refused.
    const noHeader = await withCookie(id, {}, 'mutation { startPipelineExecution(name: "web-app") { pipelineExecutionId } }');
    expect([noHeader.status, noHeader.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    expect(noHeader.body.errors?.[0]?.message).toContain('x-sluice-csrf');
    const otherOrigin = await withCookie(id, { 'x-sluice-csrf': '1', origin: 'https://evil.example' });
    expect(otherOrigin.status).toBe(403);
    // Nothing was started by the refused mutation.
    const runs = await dashboard.gql<{ listPipelineExecutions: { nodes: unknown[] } }>('query { listPipelineExecutions(pipelineName: "web-app") { nodes { pipelineExecutionId } } }');
    expect(runs.listPipelineExecutions.nodes).toEqual([]);
    // /session itself: not from another origin, not without the header.
    const foreignSignIn = await fetch(`${url}/session`, { method: 'POST', headers: { authorization: `Bearer ${dashboard.token}`, 'x-sluice-csrf': '1', origin: 'https://evil.example' } });
    expect([foreignSignIn.status, foreignSignIn.headers.get('set-cookie')]).toEqual([403, null]);
    expect((await fetch(`${url}/session`, { method: 'DELETE', headers: { cookie: `sluice_session=${id}` } })).status).toBe(403);
    expect((await withCookie(id, { 'x-sluice-csrf': '1' })).status).toBe(200);

    // graphql-ws: the cookie opens a socket from the dashboard's origin only.
    const open = (origin: string) =>
      new Promise<{ acked: boolean; code?: number }>((resolve, reject) => {
        const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie: `sluice_session=${id}`, origin, host } });
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
        socket.on('message', (data) => {
          if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') {
            socket.close();
            resolve({ acked: true });
          }
        });
        socket.on('close', (code) => resolve({ acked: false, code }));
        socket.on('error', reject);
      });
    expect(await open(url)).toEqual({ acked: true });
    expect(await open('https://evil.example')).toEqual({ acked: false, code: 4401 });

    // API clients keep their bearer tokens, with no cookie and no extra header.
    expect((await gql<{ whoami: { account: string } }>(url, dashboard.token, '{ whoami { account } }')).whoami.account).toBe('default');
    await context.close();
  }, 60_000);

  it('signs in a read-only user of another account, who sees their own account and may change nothing', async () => {
    const beta = await dashboard.gql<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "beta", adminUserName: "boss") { adminToken { token } } }');
    const betaAdmin = beta.createAccount.adminToken.token;
    await gql(url, betaAdmin, 'mutation { createUser(userName: "reader") { userName } }');
    await gql(url, betaAdmin, 'mutation { attachPolicy(targetType: USER, targetName: "reader", managedPolicy: "ReadOnly") { name } }');
    const reader = (await gql<{ createToken: { token: string } }>(url, betaAdmin, 'mutation { createToken(principalId: "reader") { token } }')).createToken.token;

    // The admin of `default` and the reader of `beta`, signed in at once in two browsers: each sees their own.
    const admin = await dashboard.signedInContext();
    const adminPage = await admin.newPage();
    await adminPage.goto(`${url}/`);
    await adminPage.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();

    const context = await dashboard.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInWithForm(page, reader);
    // Back to the page asked for, which does not exist in the reader's account.
    await page.getByTestId('identity').filter({ hasText: /\(beta\)$/ }).waitFor();
    expect(await page.getByTestId('identity').innerText()).toMatch(/^Signed in as .*reader.* \(beta\)$/);
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${PIPELINE}`);
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator(`tr[data-pipeline="${PIPELINE}"]`).count()).toBe(0);

    // The reader's session carries the reader's rights, nothing more: a mutation is refused.
    const id = (await sessionCookie(context))!.value;
    const refused = await withCookie(id, { 'x-sluice-csrf': '1' }, 'mutation { createPipeline(pipeline: { name: "x" }) { name } }');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // And the admin's page is still the admin's.
    await adminPage.reload();
    await adminPage.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();
    expect(await adminPage.getByTestId('identity').innerText()).toMatch(/\(default\)$/);
    await admin.close();
    await context.close();
  }, 90_000);
});
