import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { commandsAction, commitFile, git, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { collectPageErrors, eventually, SCREENSHOTS, startDashboard, type Dashboard } from '../testing/dashboard-harness';

// Issue 21, the environments page in Chromium against the embedded platform: two environments deployed by real runs
// (the second run's prod deploy fails), what runs where and the last attempt, what is not promoted, the history, the
// five metrics equal to GraphQL's, a freeze scheduled from the page that holds the next run while the page follows it
// live, and a read-only user who is offered no Schedule button.
const PIPELINE = 'shop';

interface Metrics {
  deploymentFrequency: { deployments: number; perDay: number; formula: string };
  leadTimeForChanges: { changes: number; medianSeconds: number | null; formula: string };
  changeFailureRate: { deployments: number; failed: number; rate: number | null; formula: string };
  timeToRestore: { failures: number; restored: number; medianSeconds: number | null; formula: string };
  reworkRate: { deployments: number; rework: number; rate: number | null; formula: string };
}

describe('the environments page, in Chromium', () => {
  let dashboard: Dashboard;
  let repo: string;
  let firstCommit: string;
  let secondCommit: string;
  let first: string;
  let second: string;

  const status = (id: string) =>
    dashboard.gql<{ getPipelineExecution: { status: string; statusSummary: string | null } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status statusSummary } }', { p: PIPELINE, id });
  const finished = (id: string, wanted: string) => eventually(async () => ((await status(id)).getPipelineExecution.status === wanted ? true : undefined), `execution ${id} to be ${wanted}`, 60_000);

  beforeAll(async () => {
    dashboard = await startDashboard();
    repo = initGitRepository(join(dashboard.base, 'repo'), { 'index.html': 'v1\n' }, 'First release');
    firstCommit = git(repo, 'rev-parse', 'HEAD');
    await dashboard.createPipeline(
      pipelineDefinition({
        name: PIPELINE,
        stages: [
          gitSourceStage({ repositoryUrl: `file://${repo}` }),
          stage('Staging', { ...commandsAction('ToStaging', 'cat index.html', { category: 'Deploy', inputs: 'SourceOutput' }), environment: 'staging' }),
          // Prod takes only the first release: the second one's deploy fails there.
          stage('Production', { ...commandsAction('ToProd', 'grep -q v1 index.html', { category: 'Deploy', inputs: 'SourceOutput' }), environment: 'prod' }),
        ],
      }) as unknown as Record<string, unknown>,
    );
    first = await dashboard.startExecution(PIPELINE);
    await finished(first, 'Succeeded');
    // The metrics "as of" test below picks the whole second after the first run's prod deploy ended: the second run
    // starts after that second has begun, or on a fast machine its failed deploy can end inside it (seen: "1 of 2").
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    secondCommit = commitFile(repo, 'index.html', 'v2\n', 'Second release');
    second = await dashboard.startExecution(PIPELINE);
    await finished(second, 'Failed');
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  const card = (page: Page, environment: string) => page.locator(`li.environment[data-environment="${environment}"]`);

  it('shows what runs in each environment, the failed last attempt, what is not promoted, the history and the metrics as GraphQL counts them', async () => {
    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: `Environments of ${PIPELINE}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${PIPELINE}/environments`);

    // Staging runs the second release; prod still the first, its last attempt (the second) failed.
    const staging = card(page, 'staging');
    await staging.waitFor();
    expect(await page.locator('li.environment h3').allInnerTexts()).toEqual(['staging', 'prod']);
    expect(await staging.getByTestId('current-revision').locator('[data-revision]').getAttribute('data-revision')).toBe(secondCommit);
    expect(await staging.getByTestId('current-revision').innerText()).toContain('Second release');
    expect(await staging.getByTestId('current-execution').getAttribute('href')).toBe(`/pipelines/${PIPELINE}/executions/${second}`);
    expect(await staging.getByTestId('latest-attempt').count()).toBe(0);
    const prod = card(page, 'prod');
    expect(await prod.getByTestId('current-revision').locator('[data-revision]').getAttribute('data-revision')).toBe(firstCommit);
    expect(await prod.getByTestId('current-execution').getAttribute('href')).toBe(`/pipelines/${PIPELINE}/executions/${first}`);
    const latest = prod.getByTestId('latest-attempt');
    expect(await latest.getAttribute('data-status')).toBe('Failed');
    expect(await latest.locator('[data-revision]').getAttribute('data-revision')).toBe(secondCommit);
    expect(await latest.getByRole('link').first().getAttribute('href')).toBe(`/pipelines/${PIPELINE}/executions/${second}`);

    // Not promoted from staging to prod: the second run; the other way round, nothing.
    const unpromoted = page.getByTestId('unpromoted');
    await unpromoted.locator(`li[data-execution="${second}"]`).waitFor();
    expect(await unpromoted.locator('li').count()).toBe(1);
    await unpromoted.getByLabel('From').selectOption('prod');
    await unpromoted.getByLabel('to').selectOption('staging');
    await unpromoted.getByTestId('unpromoted-none').waitFor();

    // The history, all environments then prod only.
    const rows = page.locator('table.deployments tbody tr[data-deployment]');
    await eventually(async () => ((await rows.count()) === 4 ? true : undefined), 'four deployments', 10_000);
    await page.getByTestId('history-environment').selectOption('prod');
    await eventually(async () => ((await rows.count()) === 2 ? true : undefined), "prod's two deployments", 10_000);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(['Failed', 'Succeeded']);

    // Each metric of each environment is GraphQL's figure, with its formula beside it.
    const panel = page.getByTestId('delivery-metrics');
    for (const environment of ['staging', 'prod']) {
      await panel.getByTestId('metrics-environment').selectOption(environment);
      await eventually(async () => ((await panel.getByTestId('metrics-period').innerText()).startsWith(`${environment},`) ? true : undefined), `the metrics of ${environment}`, 10_000);
      const answer = await dashboard.gql<{ deliveryMetrics: Metrics }>(
        'query($p: String!, $e: String!) { deliveryMetrics(pipelineName: $p, environment: $e) { deploymentFrequency { deployments perDay formula } leadTimeForChanges { changes medianSeconds formula } changeFailureRate { deployments failed rate formula } timeToRestore { failures restored medianSeconds formula } reworkRate { deployments rework rate formula } } }',
        { p: PIPELINE, e: environment },
      );
      const m = answer.deliveryMetrics;
      const expected: Record<keyof Metrics, [number | null, string, string]> = {
        deploymentFrequency: [m.deploymentFrequency.perDay, `${m.deploymentFrequency.deployments} deployments in 30 days`, m.deploymentFrequency.formula],
        leadTimeForChanges: [m.leadTimeForChanges.medianSeconds, `${m.leadTimeForChanges.changes} changes`, m.leadTimeForChanges.formula],
        changeFailureRate: [m.changeFailureRate.rate, `${m.changeFailureRate.failed} of ${m.changeFailureRate.deployments} deployments`, m.changeFailureRate.formula],
        timeToRestore: [m.timeToRestore.medianSeconds, `${m.timeToRestore.restored} of ${m.timeToRestore.failures} failures restored`, m.timeToRestore.formula],
        reworkRate: [m.reworkRate.rate, `${m.reworkRate.rework} of ${m.reworkRate.deployments} deployments`, m.reworkRate.formula],
      };
      for (const [key, [value, basis, formula]] of Object.entries(expected)) {
        const figure = panel.locator(`figure[data-metric="${key}"]`);
        const shown = await figure.getAttribute('data-value');
        if (value === null) expect(shown).toBe('');
        else expect(Number(shown)).toBeCloseTo(value, 6);
        expect(await figure.getByTestId('metric-basis').innerText()).toContain(basis);
        expect(await figure.getByTestId('metric-formula').innerText()).toBe(formula);
        expect(await figure.locator('svg rect').count()).toBe(6);
      }
    }
    // What the runs made: prod failed once of two deploys; staging never.
    expect(await panel.locator('figure[data-metric="changeFailureRate"] [data-testid="metric-figure"]').innerText()).toBe('50%');

    // As of the second after the first run's prod deploy ended (the picker takes seconds): one deployment, none failed.
    const deploys = await dashboard.gql<{ listDeployments: { nodes: Array<{ pipelineExecutionId: string; endTime: string }> } }>('query($p: String!) { listDeployments(pipelineName: $p, environment: "prod") { nodes { pipelineExecutionId endTime } } }', { p: PIPELINE });
    const firstEnd = Date.parse(deploys.listDeployments.nodes.find((d) => d.pipelineExecutionId === first)!.endTime);
    const asOf = new Date(Math.floor(firstEnd / 1000) * 1000 + 1000);
    expect(asOf.getTime()).toBeLessThan(Date.parse(await startOf(second)) + 2000);
    const local = await page.evaluate((iso) => {
      const at = new Date(iso);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    }, asOf.toISOString());
    await panel.getByTestId('metrics-as-of').fill(local);
    const basis = panel.locator('figure[data-metric="changeFailureRate"] [data-testid="metric-basis"]');
    await eventually(async () => ((await panel.getByTestId('metrics-period').innerText()).includes(await page.evaluate((iso) => new Date(iso).toLocaleString(), asOf.toISOString())) ? true : undefined), 'the metrics as of then', 10_000);
    expect(await basis.innerText()).toBe('0 of 1 deployments');

    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-environments.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  const startOf = async (id: string) =>
    (await dashboard.gql<{ getPipelineExecution: { startTime: string } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { startTime } }', { p: PIPELINE, id })).getPipelineExecution.startTime;

  it('schedules a freeze from the page, which holds the next run; the page follows the run live; a reader is offered no Schedule button', async () => {
    const context = await dashboard.signedInContext({ width: 390, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}/environments`);
    await card(page, 'staging').waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const freezes = page.getByTestId('freezes');
    await freezes.getByRole('button', { name: 'Schedule a freeze' }).click();
    const dialog = page.getByTestId('freeze-dialog');
    await dialog.getByTestId('freeze-environment').fill('prod');
    await dialog.getByTestId('freeze-reason').fill('audit week');
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const frozen = freezes.locator('li[data-environment="prod"]');
    await frozen.waitFor();
    expect(await frozen.getAttribute('data-state')).toBe('on');
    expect(await frozen.innerText()).toContain('audit week');

    // The next run deploys to staging and is held before prod; the open page shows staging's new deployment by itself.
    const third = await dashboard.startExecution(PIPELINE);
    await finished(third, 'Failed');
    expect((await status(third)).getPipelineExecution.statusSummary).toMatch(/prod is frozen until .* audit week/);
    await eventually(async () => ((await card(page, 'staging').innerText()).includes('3 deployments') ? true : undefined), "staging's third deployment on the open page", 15_000);
    expect(await card(page, 'prod').innerText()).toContain('2 deployments');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Lifted from the page.
    await frozen.getByRole('button', { name: 'Lift' }).click();
    await eventually(async () => ((await frozen.getAttribute('data-state')) === 'over' ? true : undefined), 'the freeze lifted', 10_000);
    expect(errors).toEqual([]);
    await context.close();

    // A read-only user sees the page and the freezes, and no button to schedule or lift.
    const reader = await dashboard.userWithToken('env-reader', 'ReadOnly');
    const readerContext = await dashboard.signedInContext({ width: 1440, height: 900 }, reader);
    const readerPage = await readerContext.newPage();
    await readerPage.goto(`${dashboard.url}/pipelines/${PIPELINE}/environments`);
    await card(readerPage, 'prod').waitFor();
    const readerFreezes = readerPage.getByTestId('freezes');
    await eventually(async () => ((await readerFreezes.getAttribute('data-rights')) === 'none' ? true : undefined), "the reader's rights", 10_000);
    await readerFreezes.locator('li[data-environment="prod"]').waitFor();
    expect(await readerPage.getByRole('button', { name: /Schedule|Lift/ }).count()).toBe(0);
    await readerContext.close();
  }, 120_000);
});
