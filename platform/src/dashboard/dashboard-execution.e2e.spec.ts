import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { approvalAction, commandsAction, commitFile, git, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { collectPageErrors, eventually, gql, startDashboard, waitForCard, type Dashboard } from '../testing/dashboard-harness';

// The execution page (issue 22, items 13 and 14): total duration and end time, every stage and action (also those not
// run), approver and comment with its newlines, Retry/Stop/Rollback where allowed (never Rollback on an approval or a
// source stage), and one duration per action, the same on the card and on the page.
const PIPELINE = 'release-train';

describe('the execution page, in Chromium', () => {
  let dashboard: Dashboard;
  let repo: string;
  let approver: string;
  let reader: string;

  beforeAll(async () => {
    dashboard = await startDashboard();
    repo = initGitRepository(join(dashboard.base, 'repo'), { 'index.html': '<h1>one</h1>\n' }, 'First version');
    await dashboard.createPipeline(
      pipelineDefinition({
        name: PIPELINE,
        stages: [
          gitSourceStage({ repositoryUrl: `file://${repo}` }),
          stage('Build', commandsAction('Compile', 'test ! -f fail && sleep 1 && echo compiled', { inputs: 'SourceOutput' })),
          stage('Approval', approvalAction('Approve')),
          stage('Deploy', commandsAction('Release', 'echo released', { category: 'Deploy', inputs: 'SourceOutput' })),
        ],
      }) as unknown as Record<string, unknown>,
    );
    approver = await dashboard.userWithToken('carol', 'Approver', { pipeline: PIPELINE, stage: 'Approval' });
    reader = await dashboard.userWithToken('reader', 'ReadOnly');
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  const status = (id: string) =>
    dashboard.gql<{ getPipelineExecution: { status: string } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status } }', { p: PIPELINE, id }).then((a) => a.getPipelineExecution.status);
  const waitForStatus = (id: string, wanted: string) => eventually(async () => ((await status(id)) === wanted ? true : undefined), `execution ${id} to be ${wanted}`, 60_000);
  const approvalToken = async () => {
    let token: string | undefined;
    await eventually(
      async () => {
        const state = await dashboard.gql<{ getPipelineState: { stageStates: Array<{ stageName: string; actionStates: Array<{ latestExecution: { token: string | null; status: string } | null }> }> } }>(
          'query($p: String!) { getPipelineState(name: $p) { stageStates { stageName actionStates { latestExecution { token status } } } } }',
          { p: PIPELINE },
        );
        const latest = state.getPipelineState.stageStates.find((s) => s.stageName === 'Approval')?.actionStates[0]?.latestExecution;
        token = latest?.status === 'InProgress' ? (latest.token ?? undefined) : undefined;
        return token;
      },
      'the approval to wait',
      60_000,
    );
    return token!;
  };
  const buttons = (page: Page) => page.locator('.execution-actions button').allInnerTexts();

  it('shows a finished run whole: end, total, every stage, the approver and the comment, one duration per action', async () => {
    const id = await dashboard.startExecution(PIPELINE);
    const token = await approvalToken();
    // Approved by carol, an approver of this stage only, with a comment of two lines.
    await gql(dashboard.url, approver, 'mutation($p: String!, $t: String!) { putApprovalResult(pipelineName: $p, stageName: "Approval", actionName: "Approve", token: $t, result: { status: Approved, summary: "checked staging\\nship it" }) { approvedAt } }', { p: PIPELINE, t: token });
    await waitForStatus(id, 'Succeeded');

    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}/executions/${id}`);
    await page.locator('[data-testid="execution-status"].status-Succeeded').waitFor();
    await page.locator('tbody[data-stage="Deploy"]').waitFor();
    expect(await page.getByTestId('execution-end').locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.getByTestId('execution-duration').innerText()).toMatch(/^\d+(\.\d)? s$|^\d+ min \d+ s$/);
    expect(await page.locator('tbody[data-stage]').evaluateAll((all) => all.map((s) => `${(s as HTMLElement).dataset.stage}:${(s as HTMLElement).dataset.status}`))).toEqual([
      'Source:Succeeded',
      'Build:Succeeded',
      'Approval:Succeeded',
      'Deploy:Succeeded',
    ]);
    // The approver and the comment, its newline kept.
    const approval = page.locator('tbody[data-stage="Approval"] [data-testid="approval"]');
    expect(await approval.locator('strong').innerText()).toMatch(/^Approved by .*carol/);
    expect(await approval.locator('p').innerText()).toBe('checked staging\nship it');
    // One duration per action: the engine's, the same here and on the pipeline view's card, and no other in the summary.
    const { listActionExecutions } = await dashboard.gql<{ listActionExecutions: { nodes: Array<{ actionName: string; durationMs: number; output: { executionResult: { externalExecutionSummary: string } } }> } }>(
      'query($p: String!, $id: ID!) { listActionExecutions(pipelineName: $p, pipelineExecutionId: $id) { nodes { actionName durationMs output { executionResult { externalExecutionSummary } } } } }',
      { p: PIPELINE, id },
    );
    const compile = listActionExecutions.nodes.find((a) => a.actionName === 'Compile')!;
    expect(compile.output.executionResult.externalExecutionSummary).toBe('1 command succeeded');
    const onPage = await page.locator('tr[data-action="Compile"] [data-testid="action-duration"]').innerText();
    expect(onPage).toBe(`${(compile.durationMs / 1000).toFixed(1)} s`);
    // Rollback to this run is offered for the stages that deploy: not the source, not the approval.
    expect(await buttons(page)).toEqual(['Roll back Build to this execution', 'Roll back Deploy to this execution']);

    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await waitForCard(page, 'Build', 'Compile', 'Succeeded');
    expect(await page.locator('[data-stage="Build"] [data-action="Compile"] footer .muted').innerText()).toBe(onPage);
    await page.getByRole('button', { name: /Roll back…\s*Deploy/ }).waitFor();
    expect(await page.getByRole('button', { name: /Roll back…\s*Approval/ }).count()).toBe(0);

    // Rolling Deploy back from the page starts a rollback execution and opens it.
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}/executions/${id}`);
    await page.getByRole('button', { name: 'Roll back Deploy to this execution' }).click();
    await page.waitForURL((url) => url.pathname.startsWith(`/pipelines/${PIPELINE}/executions/`) && !url.pathname.endsWith(id));
    await page.getByTestId('execution-type').filter({ hasText: 'Rollback' }).waitFor();
    const rollback = new URL(page.url()).pathname.split('/').at(-1)!;
    await waitForStatus(rollback, 'Succeeded');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('shows the stages a failed run never reached, retries the failed stage, stops a run; a reader gets no button', async () => {
    commitFile(repo, 'fail', 'x\n', 'Break the build');
    const failed = await dashboard.startExecution(PIPELINE);
    await waitForStatus(failed, 'Failed');

    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}/executions/${failed}`);
    await page.locator('tbody[data-stage="Deploy"]').waitFor();
    expect(await page.locator('tbody[data-stage]').evaluateAll((all) => all.map((s) => `${(s as HTMLElement).dataset.stage}:${(s as HTMLElement).dataset.status}`))).toEqual([
      'Source:Succeeded',
      'Build:Failed',
      'Approval:None',
      'Deploy:None',
    ]);
    expect(await page.locator('tbody[data-stage="Deploy"] tr[data-action="Release"]').getAttribute('data-status')).toBe('None');
    expect(await page.locator('tbody[data-stage="Deploy"] tr[data-action="Release"] .badge').innerText()).toBe('Not run yet');
    expect(await buttons(page)).toEqual(['Retry failed actions of Build']);

    // A reader sees the same page, without any button.
    const readerContext = await dashboard.signedInContext({ width: 1440, height: 900 }, reader);
    const readerPage = await readerContext.newPage();
    await readerPage.goto(`${dashboard.url}/pipelines/${PIPELINE}/executions/${failed}`);
    await readerPage.locator('tbody[data-stage="Deploy"]').waitFor();
    await readerPage.waitForLoadState('networkidle');
    expect(await buttons(readerPage)).toEqual([]);
    await readerContext.close();

    // Retry: the same revision fails again, as a second attempt shown beside the first.
    await page.getByRole('button', { name: 'Retry failed actions of Build' }).click();
    await page.locator('tbody[data-stage="Build"] tr[data-action="Compile"]', { hasText: 'attempt 2' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="execution-status"].status-Failed').waitFor({ timeout: 30_000 });

    // Stop: a new run, of a fixed commit, stopped from its page (it waits at the approval meanwhile).
    git(repo, 'rm', '-q', 'fail');
    git(repo, 'commit', '-q', '-m', 'Fix the build');
    const running = await dashboard.startExecution(PIPELINE);
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}/executions/${running}`);
    await page.getByTestId('execution-end').getByText('still running').waitFor();
    expect(await page.getByTestId('execution-duration').innerText()).toMatch(/so far$/);
    await page.getByRole('button', { name: 'Stop execution' }).click();
    await page.getByLabel('Reason').fill('wrong day');
    await page.getByLabel('Abandon running actions').check();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('[data-testid="execution-status"].status-Stopped').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('execution-end').locator('time').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('shows a log as a terminal: \r progress, colours, timestamps, search, line links, raw download', async () => {
    const name = 'log-demo';
    const script = String.raw`printf 'Receiving objects:  10%%\r'; sleep 0.3; printf 'Receiving objects:  55%%\rReceiving objects: 100%%, done.\n'; printf '\033[31mred\033[0m \033[1;92mbold green\033[0m\033[K\n'; echo needle-here; for i in $(seq 1 40); do echo "line $i"; done`;
    await dashboard.createPipeline(
      pipelineDefinition({ name, stages: [gitSourceStage({ repositoryUrl: `file://${repo}` }), stage('Build', commandsAction('Fetch', script, { inputs: 'SourceOutput' }))] }) as unknown as Record<string, unknown>,
    );
    const id = await dashboard.startExecution(name);
    await eventually(async () => ((await dashboard.gql<{ getPipelineExecution: { status: string } }>('query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { status } }', { p: name, id })).getPipelineExecution.status === 'Succeeded' ? true : undefined), 'the log run', 60_000);

    const context = await dashboard.signedInContext({ width: 1440, height: 900 });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { console: true });
    await page.goto(`${dashboard.url}/pipelines/${name}/executions/${id}#action-Build-Fetch`);
    const log = page.getByRole('log', { name: 'Log of Build / Fetch' });
    await log.locator('[data-line="43"]').waitFor();
    const text = (n: number) => log.locator(`[data-line="${n}"] .text`).innerText();
    // The progress line as it ended, not its three states run together.
    expect(await text(1)).toBe('Receiving objects: 100%, done.');
    expect(await text(2)).toBe('red bold green');
    expect(await log.innerText()).not.toMatch(/\x1b|\[31m|\[0m|10%/);
    expect(await log.locator('.ansi-31').evaluate((e) => [e.textContent, getComputedStyle(e).color])).toEqual(['red', 'rgb(255, 123, 114)']);
    expect(await log.locator('.ansi-92.ansi-bold').evaluate((e) => [e.textContent, getComputedStyle(e).fontWeight])).toEqual(['bold green', '700']);
    // Every line has the time it began.
    const times = await log.locator('.line time').evaluateAll((all) => all.map((t) => t.getAttribute('datetime')));
    expect(times).toHaveLength(43);
    expect(times.every((t) => t !== null && !Number.isNaN(Date.parse(t)))).toBe(true);

    // Search keeps the line numbers.
    const fetchLog = page.locator('tr[data-log="Fetch"]');
    await fetchLog.getByTestId('log-search').fill('NEEDLE');
    await fetchLog.getByTestId('log-matches').filter({ hasText: '1 of 43 lines' }).waitFor();
    expect(await log.locator('.line').evaluateAll((all) => all.map((l) => (l as HTMLElement).dataset.line))).toEqual(['3']);
    await fetchLog.getByTestId('log-search').fill('');

    // A line's link: in the address, marked, and opened as such in a new page.
    await log.getByRole('link', { name: 'Line 20', exact: true }).click();
    expect(new URL(page.url()).hash).toBe('#action-Build-Fetch-L20');
    expect(await log.locator('[data-line="20"]').getAttribute('class')).toContain('selected');
    const linked = await context.newPage();
    await linked.goto(page.url());
    const linkedLine = linked.getByRole('log', { name: 'Log of Build / Fetch' }).locator('[data-line="20"].selected');
    await linkedLine.waitFor();
    expect(await linkedLine.locator('.text').innerText()).toBe('line 17');
    await eventually(async () => ((await linkedLine.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })) ? true : undefined), 'the linked line in view', 5_000);

    // The raw download is the log as written: carriage returns and escapes included.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Raw log of Log of Build / Fetch' }).click()]);
    expect(download.suggestedFilename()).toBe(`${name}-${id.slice(0, 8)}-Build-Fetch-1.log`);
    const raw = readFileSync((await download.path())!, 'utf8');
    expect(raw).toContain('Receiving objects:  10%\rReceiving objects:  55%\r');
    expect(raw).toContain('\x1b[31mred\x1b[0m');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
