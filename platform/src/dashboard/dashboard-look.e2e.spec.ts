import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { collectPageErrors, eventually, startDashboard, type Dashboard } from '../testing/dashboard-harness';

// The look (issue 22): nothing overflows on any page at 1440 px or 390 px, badges stay in their cards, commit messages
// are not cut mid-word, dark mode follows the system, keyboard shortcuts (`?` lists them), the audit log hides reads.
const PIPELINE = 'look';
const LONG_STAGE = 'DeployToProductionEuropeWestAndNorthAmericaRegions';
const LONG_ACTION = 'ReleaseTheWholeThingToEveryRegionAtOnceWithoutAnyPause';
const MESSAGE = 'The Sluice dashboard now orients a new user in the first hour';

describe('the look of the dashboard, in Chromium', () => {
  let dashboard: Dashboard;
  let executionId: string;

  beforeAll(async () => {
    dashboard = await startDashboard();
    const repo = initGitRepository(join(dashboard.base, 'repo'), { 'index.html': '<h1>look</h1>\n' }, `${MESSAGE}\n\nA body that is not shown on the card.`);
    await dashboard.createPipeline(
      pipelineDefinition({
        name: PIPELINE,
        stages: [
          gitSourceStage({ repositoryUrl: `file://${repo}` }),
          // A long environment name too, for the environments page.
          stage(LONG_STAGE, { ...commandsAction(LONG_ACTION, 'echo shipped', { category: 'Deploy', inputs: 'SourceOutput' }), environment: 'production-europe-west-and-north-america-regions' }),
        ],
      }) as unknown as Record<string, unknown>,
    );
    executionId = await dashboard.startExecution(PIPELINE);
    await eventually(
      async () =>
        (await dashboard.gql<{ getPipelineExecution: { status: string } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status } }', { p: PIPELINE, id: executionId }))
          .getPipelineExecution.status === 'Succeeded'
          ? true
          : undefined,
      'the run',
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  /** What sticks out: the page wider than the screen, or a badge, heading or revision past its card, stage or cell. */
  const overflowOf = (page: Page) =>
    page.evaluate(() => {
      const problems: string[] = [];
      const { scrollWidth } = document.documentElement;
      if (scrollWidth > innerWidth) {
        // Named by the outermost elements that stick out (whose parent does not), so a failure says what to fix.
        const out = [...document.querySelectorAll<HTMLElement>('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 0.5));
        problems.push(`page ${scrollWidth} px wide on a ${innerWidth} px screen: ${out.slice(0, 4).map((e) => `${e.tagName.toLowerCase()}.${e.className} (right ${Math.round(e.getBoundingClientRect().right)})`).join(', ')}`);
      }
      for (const element of document.querySelectorAll<HTMLElement>('.badge, .card h3, .stage h2, .revision, .stage-run')) {
        const box = element.closest<HTMLElement>('.card, .stage, td, th, dd, header, li');
        if (!box || box === element) continue;
        const inner = element.getBoundingClientRect();
        const outer = box.getBoundingClientRect();
        if (inner.width > 0 && (inner.right > outer.right + 0.5 || inner.left < outer.left - 0.5)) problems.push(`${element.className} "${element.textContent?.trim().slice(0, 40)}" sticks out of its ${box.tagName.toLowerCase()}`);
      }
      return problems;
    });

  const pages = () => [
    '/',
    `/pipelines/${PIPELINE}`,
    `/pipelines/${PIPELINE}/executions`,
    `/pipelines/${PIPELINE}/executions/${executionId}`,
    `/pipelines/${PIPELINE}/as-of`,
    `/pipelines/${PIPELINE}/trends`,
    `/pipelines/${PIPELINE}/environments`,
    `/pipelines/${PIPELINE}/edit`,
    `/pipelines/${PIPELINE}/versions`,
    '/new-pipeline',
    '/import',
    '/graph',
    '/audit',
    '/nowhere',
  ];

  it.each([390, 1440])('fits every page at %i px: no horizontal overflow, no badge out of its card', async (width) => {
    const context = await dashboard.signedInContext({ width, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    const found: Record<string, string[]> = {};
    for (const path of pages()) {
      await page.goto(`${dashboard.url}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.getByText('Loading…').waitFor({ state: 'detached' });
      const problems = await overflowOf(page);
      if (problems.length > 0) found[path] = problems;
    }
    // Signed out: the sign-in page.
    const signedOut = await dashboard.browser.newContext({ viewport: { width, height: 900 } });
    const signIn = await signedOut.newPage();
    await signIn.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await signIn.getByRole('heading', { name: 'Sign in' }).waitFor();
    const signInProblems = await overflowOf(signIn);
    if (signInProblems.length > 0) found['/sign-in'] = signInProblems;
    await signedOut.close();
    expect(found).toEqual({});
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the whole first line of a commit message, never cut mid-word', async () => {
    const context = await dashboard.signedInContext({ width: 390, height: 900 });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    const revision = page.locator(`[data-action="${LONG_ACTION}"] .revision`);
    await revision.waitFor();
    expect(await revision.locator('span').innerText()).toBe(MESSAGE);
    expect(await revision.evaluate((e) => e.scrollWidth <= e.clientWidth && getComputedStyle(e).textOverflow !== 'ellipsis')).toBe(true);
    await context.close();
  }, 60_000);

  async function background(context: BrowserContext, scheme: 'light' | 'dark'): Promise<string> {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await page.locator('section[data-stage]').first().waitFor();
    const colours = await page.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.querySelector('section[data-stage]')!).backgroundColor].join(' / '));
    await page.close();
    return colours;
  }

  it('follows the system setting for dark mode', async () => {
    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    expect(await background(context, 'light')).toBe('rgb(246, 248, 250) / rgb(255, 255, 255)');
    expect(await background(context, 'dark')).toBe('rgb(13, 17, 23) / rgb(21, 27, 35)');
    await context.close();
  }, 60_000);

  it('answers keyboard shortcuts, lists them on ?, and leaves fields alone', async () => {
    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/`);
    await page.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.innerText()).toContain('Go to the audit log');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    // `/` goes to the search field; what is typed there is text, not a shortcut.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    await page.keyboard.type('g a');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByLabel('Search').inputValue()).toBe('g a');
    await page.getByLabel('Search').fill('');
    await page.locator('main h1').click();
    // g p / g a / g h / g v.
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.waitForURL((url) => url.pathname === '/audit');
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await page.locator('section[data-stage]').first().waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('h');
    await page.waitForURL((url) => url.pathname === `/pipelines/${PIPELINE}/executions`);
    await page.keyboard.press('g');
    await page.keyboard.press('v');
    await page.waitForURL((url) => url.pathname === `/pipelines/${PIPELINE}`);
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await page.waitForURL((url) => url.pathname === '/');
    await context.close();
  }, 60_000);

  it('hides the reads of the audit log on request', async () => {
    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/audit`);
    await page.locator('table.audit[data-loaded]').waitFor();
    const operations = () => page.locator('table.audit tbody tr[data-audit]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.operation ?? ''));
    expect((await operations()).some((op) => /^sluice:(Get|List|Lookup)/.test(op))).toBe(true);
    await page.getByLabel('Hide reads').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.audit tbody tr[data-operation="sluice:StartPipelineExecution"]').first().waitFor();
    const shown = await operations();
    expect(shown.filter((op) => /^sluice:(Get|List|Lookup|Describe)/.test(op))).toEqual([]);
    expect(shown).toEqual(expect.arrayContaining(['sluice:CreatePipeline', 'sluice:StartPipelineExecution']));
    await context.close();
  }, 60_000);
});
