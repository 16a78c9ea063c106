import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectPageErrors, SCREENSHOTS, signInContext } from '../testing/dashboard-harness';
import { FIFTY_ACTIONS, launchChromium, runExecutions, scaleActionName, startScalePlatform, type ScalePlatform } from '../testing/dashboard-scale';

// The dashboard with a pipeline of 50 actions and a history longer than a page, seeded as bench/dashboard/render.ts
// seeds its 1,000 (platform/src/testing/dashboard-scale.ts): what a person sees, not how fast (the bench measures that).
const PIPELINE = 'scale-50';
// Two pages and a part: enough for paging; the bench seeds the 1,000.
const EXECUTIONS = 50;
const PAGE_SIZE = 20;

describe('the dashboard with 50 actions and a long history, in Chromium', () => {
  let base: string;
  let scale: ScalePlatform;
  let browser: Browser;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-dashboard-scale-')));
    scale = await startScalePlatform(join(base, 'data'), [{ pipelineName: PIPELINE, stages: FIFTY_ACTIONS, executions: EXECUTIONS }]);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await scale?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  async function signedIn(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; errors: string[]; queries: Array<{ query: string; variables: Record<string, unknown> }> }> {
    const context = await browser.newContext({ viewport });
    await signInContext(context, scale.url, scale.token);
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    const queries: Array<{ query: string; variables: Record<string, unknown> }> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') queries.push(request.postDataJSON() as (typeof queries)[number]);
    });
    return { context, page, errors, queries };
  }

  /** Every execution of the pipeline, newest first, as the API lists them. */
  async function allExecutionIds(): Promise<string[]> {
    const answer = await scale.call<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string }> } }>(
      'query($p: String!) { listPipelineExecutions(pipelineName: $p, first: 1000) { nodes { pipelineExecutionId } } }',
      { p: PIPELINE },
    );
    return answer.listPipelineExecutions.nodes.map((n) => n.pipelineExecutionId);
  }

  it('draws all 50 action cards in their stages and runOrder groups, each with its status', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${scale.url}/pipelines/${PIPELINE}`);
    await page.locator('[data-action][data-status="Succeeded"]').nth(49).waitFor({ timeout: 30_000 });

    expect(await page.locator('section[data-stage]').evaluateAll((stages) => stages.map((s) => (s as HTMLElement).dataset.stage))).toEqual(FIFTY_ACTIONS.map((s) => s.name));
    for (const stage of FIFTY_ACTIONS) {
      const groups = page.locator(`section[data-stage="${stage.name}"] [role="group"]`);
      expect(await groups.evaluateAll((all) => all.map((g) => g.getAttribute('aria-label')))).toEqual(stage.groups.map((_, g) => `Run order ${g + 1}`));
      for (const [g, size] of stage.groups.entries()) {
        const cards = await groups.nth(g).locator('[data-action]').evaluateAll((all) => all.map((c) => `${(c as HTMLElement).dataset.action}:${(c as HTMLElement).dataset.status}`));
        expect(cards).toEqual(Array.from({ length: size }, (_, n) => `${scaleActionName(stage.name, g + 1, n + 1)}:Succeeded`));
      }
    }
    expect(await page.locator('[data-action]').count()).toBe(50);
    // Every card links to the newest execution, the one run through the API after the seeded history.
    const newest = (await allExecutionIds())[0]!;
    expect(new Set(await page.locator('[data-action] a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname)))).toEqual(
      new Set([`/pipelines/${PIPELINE}/executions/${newest}`]),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-view-50-actions.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('pages through a history longer than a page, a page per request, also when a new execution arrives', async () => {
    const { context, page, errors, queries } = await signedIn();
    await page.goto(`${scale.url}/pipelines/${PIPELINE}/executions`);
    const rows = page.locator('table.executions tr[data-execution]');
    await rows.nth(PAGE_SIZE - 1).waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(PAGE_SIZE);

    const more = page.getByRole('button', { name: 'Show older executions' });
    let clicks = 0;
    while ((await more.count()) > 0) {
      const shown = await rows.count();
      await more.click();
      clicks += 1;
      await page.waitForFunction((n) => document.querySelectorAll('table.executions tr[data-execution]').length > n, shown, { timeout: 30_000 });
    }
    const ids = await rows.evaluateAll((all) => all.map((r) => (r as HTMLElement).dataset.execution));
    expect(ids).toEqual(await allExecutionIds());
    expect(ids).toHaveLength(EXECUTIONS);
    expect(clicks).toBe(Math.ceil(EXECUTIONS / PAGE_SIZE) - 1);
    const starts = await rows.locator('time').evaluateAll((all) => all.map((t) => Date.parse(t.getAttribute('datetime')!)));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(await rows.evaluateAll((all) => all.every((r) => (r as HTMLElement).dataset.status === 'Succeeded'))).toBe(true);

    // No request asked for more than a page: the history is never fetched whole.
    const history = () => queries.filter((q) => q.query.includes('listPipelineExecutions'));
    expect(history().length).toBe(clicks + 1);
    expect(history().map((q) => q.variables.first)).toEqual(history().map(() => PAGE_SIZE));

    // A new execution, while the whole history is shown: it appears on top, and the reload asks for the first page only.
    const [started] = await runExecutions(scale.call, PIPELINE, 1);
    await page.locator(`table.executions tr[data-execution="${started}"][data-status="Succeeded"]`).waitFor({ timeout: 30_000 });
    expect(await rows.first().getAttribute('data-execution')).toBe(started);
    expect(await rows.evaluateAll((all) => all.map((r) => (r as HTMLElement).dataset.execution))).toEqual(await allExecutionIds());
    expect(await rows.count()).toBe(EXECUTIONS + 1);
    expect(history().length).toBeGreaterThan(clicks + 1);
    expect(history().map((q) => q.variables.first)).toEqual(history().map(() => PAGE_SIZE));
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('lists the pipelines asking only for their newest execution', async () => {
    const { context, page, errors, queries } = await signedIn({ width: 390, height: 844 });
    await page.goto(`${scale.url}/`);
    const blocks = page.locator(`tr[data-pipeline="${PIPELINE}"] .block`);
    await blocks.nth(FIFTY_ACTIONS.length - 1).waitFor({ timeout: 30_000 });
    expect(await blocks.evaluateAll((all) => all.map((b) => `${(b as HTMLElement).dataset.stage}:${(b as HTMLElement).dataset.status}`))).toEqual(
      FIFTY_ACTIONS.map((s) => `${s.name}:Succeeded`),
    );
    // The status shown is the newest execution's (issue 22): one execution per pipeline, never the history or the actions.
    expect(queries.some((q) => /listActionExecutions/.test(q.query))).toBe(false);
    const executionFields = queries.flatMap((q) => q.query.match(/listPipelineExecutions\([^)]*\)/g) ?? []);
    expect(executionFields.length).toBeGreaterThan(0);
    expect(executionFields.every((field) => field.includes('first: 1)'))).toBe(true);
    await page.locator(`tr[data-pipeline="${PIPELINE}"] [data-testid="pipeline-status"][data-status="Succeeded"]`).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
