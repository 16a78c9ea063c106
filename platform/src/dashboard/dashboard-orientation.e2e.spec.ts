import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { commandsAction, commitFile, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { collectPageErrors, eventually, startDashboard, waitForCard, type Dashboard } from '../testing/dashboard-harness';

// Orientation on the pipeline view and the list (issue 22, item 2): each stage says which execution it shows, which
// runs wait before it and why; the list's status is the newest execution's; an execution selector shows one run.
const PIPELINE = 'two-runs';

describe('orientation: which run is where, in Chromium', () => {
  let dashboard: Dashboard;
  let repo: string;

  beforeAll(async () => {
    dashboard = await startDashboard();
    repo = initGitRepository(join(dashboard.base, 'repo'), { 'index.html': '<h1>one</h1>\n' }, 'First version');
    await dashboard.createPipeline(
      pipelineDefinition({
        name: PIPELINE,
        stages: [
          gitSourceStage({ repositoryUrl: `file://${repo}` }),
          // Long enough for a second run to catch up with the first; fails on a commit that adds `fail`.
          stage('Build', commandsAction('Compile', 'test ! -f fail && sleep 4 && echo compiled', { inputs: 'SourceOutput' })),
          stage('Deploy', commandsAction('Release', 'echo released', { category: 'Deploy', inputs: 'SourceOutput' })),
        ],
      }) as unknown as Record<string, unknown>,
    );
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  const stageRun = (page: Page, stageName: string) => page.locator(`[data-stage="${stageName}"] [data-testid="stage-execution"]`);
  const waiting = (page: Page, stageName: string, id: string) => page.locator(`[data-stage="${stageName}"] [data-waiting="${id}"]`);
  const transition = (mutation: 'disable' | 'enable', stageName: string) =>
    dashboard.gql(
      mutation === 'disable'
        ? 'mutation($p: String!, $s: String!) { disableStageTransition(pipelineName: $p, stageName: $s, transitionType: Inbound, reason: "freeze") { stageName } }'
        : 'mutation($p: String!, $s: String!) { enableStageTransition(pipelineName: $p, stageName: $s, transitionType: Inbound) { stageName } }',
      { p: PIPELINE, s: stageName },
    );

  it('names the execution of every stage, says who waits for a lock or a disabled transition, and offers one run at a time', async () => {
    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await page.locator('[data-stage="Build"] [data-action="Compile"]').waitFor();
    expect(await stageRun(page, 'Build').innerText()).toBe('Not run yet');

    // Run A holds Build; run B, started behind it, finishes Source and waits for Build's lock.
    await transition('disable', 'Deploy');
    const first = await dashboard.startExecution(PIPELINE);
    await waitForCard(page, 'Build', 'Compile', 'InProgress');
    const second = await dashboard.startExecution(PIPELINE);
    await waiting(page, 'Build', second).waitFor({ timeout: 30_000 });
    expect(await waiting(page, 'Build', second).getAttribute('data-reason')).toBe('lock');
    expect(await waiting(page, 'Build', second).innerText()).toContain('waiting for lock');
    expect(await stageRun(page, 'Build').getAttribute('data-execution')).toBe(first);
    expect(await stageRun(page, 'Build').innerText()).toContain(first.slice(0, 8));
    expect(await stageRun(page, 'Source').getAttribute('data-execution')).toBe(second);
    // Each says its revision too.
    const revision = (await dashboard.gql<{ getPipelineExecution: { sourceRevisions: Array<{ revisionId: string }> } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { sourceRevisions { revisionId } } }', { p: PIPELINE, id: first })).getPipelineExecution.sourceRevisions[0]!.revisionId;
    expect(await stageRun(page, 'Build').innerText()).toContain(revision.slice(0, 8));

    // A finishes Build and is held before Deploy by the disabled transition; B then takes Build.
    await waiting(page, 'Deploy', first).waitFor({ timeout: 30_000 });
    expect(await waiting(page, 'Deploy', first).innerText()).toContain('held by a disabled transition');
    await page.locator(`[data-stage="Build"] [data-testid="stage-execution"][data-execution="${second}"]`).waitFor({ timeout: 30_000 });
    await transition('enable', 'Deploy');
    await eventually(
      async () => {
        const { getPipelineExecution } = await dashboard.gql<{ getPipelineExecution: { status: string } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status } }', { p: PIPELINE, id: second });
        return ['Succeeded', 'Superseded'].includes(getPipelineExecution.status) ? true : undefined;
      },
      'the second run to end',
      60_000,
    );

    // A third run, of a commit that fails Build: Deploy still shows an earlier run's success, and says so.
    commitFile(repo, 'fail', 'x\n', 'Break the build');
    const third = await dashboard.startExecution(PIPELINE);
    await page.locator(`[data-stage="Build"] [data-testid="stage-execution"][data-execution="${third}"]`).waitFor({ timeout: 30_000 });
    await waitForCard(page, 'Build', 'Compile', 'Failed');
    const deploy = stageRun(page, 'Deploy');
    await page.locator('[data-stage="Deploy"] [data-testid="stage-execution"][data-earlier="true"]').waitFor();
    expect(await deploy.innerText()).toContain('earlier run');
    expect(await deploy.getAttribute('data-execution')).not.toBe(third);
    expect(await stageRun(page, 'Build').getAttribute('data-earlier')).toBeNull();

    // The execution selector: the first run everywhere (also in the address), then the failed one, which never reached Deploy.
    const selector = page.getByTestId('execution-selector');
    await selector.selectOption(first);
    expect(new URL(page.url()).searchParams.get('execution')).toBe(first);
    await page.locator(`[data-stage="Deploy"] [data-testid="stage-execution"][data-execution="${first}"]`).waitFor();
    expect(await page.locator('[data-stage="Build"] [data-action="Compile"]').getAttribute('data-status')).toBe('Succeeded');
    await selector.selectOption(third);
    await page.locator('[data-stage="Build"] [data-action="Compile"][data-status="Failed"]').waitFor();
    expect(await page.locator('[data-stage="Deploy"] [data-action="Release"]').getAttribute('data-status')).toBe('None');
    expect(await stageRun(page, 'Deploy').innerText()).toBe('Not run yet');
    // The address keeps the choice across a reload.
    await selector.selectOption(first);
    await page.reload();
    await page.locator(`[data-stage="Deploy"] [data-testid="stage-execution"][data-execution="${first}"]`).waitFor();
    expect(await page.getByTestId('execution-selector').inputValue()).toBe(first);

    // The list says what the newest run says (Failed), and marks Deploy's block as an earlier run's.
    await page.goto(`${dashboard.url}/`);
    const row = page.locator(`tr[data-pipeline="${PIPELINE}"]`);
    await row.locator('[data-testid="pipeline-status"][data-status="Failed"]').waitFor();
    expect(await row.locator('.block[data-stage="Deploy"]').getAttribute('data-status')).toBe('Succeeded');
    expect(await row.locator('.block[data-stage="Deploy"]').getAttribute('data-earlier')).toBe('true');
    expect(await row.locator('.block[data-stage="Build"]').getAttribute('data-earlier')).toBeNull();

    // Trends over these runs: the pipeline failed 1 of 3, Build 1 of 3, Deploy 0 of 2; p50/p95 from the runs' durations.
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.getByRole('link', { name: 'Trends', exact: true }).click();
    const whole = page.locator('figure[data-trend="pipeline"]');
    // The chart, or the page's error saying why not (a timeout alone would not say).
    await page.locator('figure[data-trend="pipeline"], main .error').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('main .error').allInnerTexts()).toEqual([]);
    expect(await whole.locator('rect.run').count()).toBe(3);
    expect(await whole.locator('rect.run.failed').getAttribute('data-execution')).toBe(third);
    expect(await whole.getByTestId('failure-rate').innerText()).toBe('33%');
    const { listPipelineExecutions } = await dashboard.gql<{ listPipelineExecutions: { nodes: Array<{ startTime: string; lastUpdateTime: string }> } }>(
      'query($p: String!) { listPipelineExecutions(pipelineName: $p) { nodes { startTime lastUpdateTime } } }',
      { p: PIPELINE },
    );
    const durations = listPipelineExecutions.nodes.map((e) => Date.parse(e.lastUpdateTime) - Date.parse(e.startTime)).sort((a, b) => a - b);
    expect([Number(await whole.getAttribute('data-p50')), Number(await whole.getAttribute('data-p95'))]).toEqual([durations[1], durations[2]]);
    expect(await page.locator('figure[data-trend="Build"]').getAttribute('data-failure-rate')).toBe(String(1 / 3));
    expect(await page.locator('figure[data-trend="Deploy"] rect.run').count()).toBe(2);
    expect(await page.locator('figure[data-trend="Deploy"]').getAttribute('data-failure-rate')).toBe('0');
    expect(await whole.locator('svg').getAttribute('aria-label')).toMatch(/^The whole pipeline: p50 .+, p95 .+, failure rate 33% over 3 runs$/);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
