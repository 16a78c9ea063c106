import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { commandsStage, gitSourceStage } from '@sluice/testing/fixtures';
import { collectPageErrors, eventually, gitRepository, ROOT, SCREENSHOTS, startDashboard, waitForCard, type Dashboard } from '../testing/dashboard-harness';

// Release with variable overrides, rollback of a stage, an execution's artifacts and variables, and the AWS import,
// in Chromium against the embedded platform (platform/src/testing/dashboard-harness.ts).
const PIPELINE = 'release-vars';

/** Source → Build (echoes the pipeline variable, writes an artifact, exports it) → Deploy (echoes the export). */
function variablesPipeline(name: string, repositoryUrl: string): Record<string, unknown> {
  const packageCommands = ['echo "deploying to #{variables.TARGET}"', 'echo "bundle for #{variables.TARGET}" > bundle.txt', 'echo "TARGET_SEEN=#{variables.TARGET}" >> "$SLUICE_OUTPUT_VARIABLES"'];
  return {
    name,
    variables: [{ name: 'TARGET', defaultValue: 'staging', description: 'where Deploy goes' }],
    stages: [
      gitSourceStage({ repositoryUrl }),
      commandsStage('Build', packageCommands, { action: 'Package', inputs: 'SourceOutput', outputs: [{ name: 'Bundle', files: ['bundle.txt'] }], outputVariables: ['TARGET_SEEN'], namespace: 'BuildVariables' }),
      commandsStage('Deploy', ['echo "released #{BuildVariables.TARGET_SEEN}"'], { category: 'Deploy', action: 'Release', inputs: 'Bundle' }),
    ],
  };
}

interface Execution {
  pipelineExecutionId: string;
  status: string;
  executionType: string;
  trigger: { triggerType: string; triggerDetail: string };
  variables: Array<{ name: string; value: string }>;
  rollbackMetadata: { rollbackTargetPipelineExecutionId: string } | null;
}

describe('the dashboard: release with variables, rollback, artifacts, AWS import', () => {
  let dashboard: Dashboard;
  let url: string;
  let repositoryUrl: string;
  /** The execution released with TARGET=production from the dashboard (the rollback's target later). */
  let released = '';

  const execution = async (id: string, pipeline = PIPELINE) =>
    (
      await dashboard.gql<{ getPipelineExecution: Execution }>(
        `query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) {
          pipelineExecutionId status executionType trigger { triggerType triggerDetail } variables { name value } rollbackMetadata { rollbackTargetPipelineExecutionId } } }`,
        { p: pipeline, id },
      )
    ).getPipelineExecution;
  const succeeded = (id: string, pipeline = PIPELINE) =>
    eventually(
      async () => {
        const { status } = await execution(id, pipeline);
        if (status === 'Failed' || status === 'Stopped') throw new Error(`execution ${id} ${status}`);
        return status === 'Succeeded' ? true : undefined;
      },
      `execution ${id} to succeed`,
      90_000,
    );
  const executionIds = async (pipeline: string) =>
    (await dashboard.gql<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string }> } }>('query($p: String!) { listPipelineExecutions(pipelineName: $p) { nodes { pipelineExecutionId } } }', { p: pipeline }))
      .listPipelineExecutions.nodes.map((n) => n.pipelineExecutionId);
  const startedId = async (page: Page, pattern: RegExp) => pattern.exec(await page.getByText(pattern).innerText())![1]!;
  /** Opens an action's log on the execution page (it is open already when the page saw the action run). */
  const openLog = async (page: Page, action: string) => {
    const details = page.locator(`[data-log="${action}"] details`);
    if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) await details.locator('summary').click();
  };
  const buttonsOf = (page: Page) => page.locator('main button').evaluateAll((buttons) => buttons.map((b) => (b.textContent ?? '').trim()));

  beforeAll(async () => {
    dashboard = await startDashboard();
    url = dashboard.url;
    repositoryUrl = gitRepository(join(dashboard.base, 'repo'));
    await dashboard.createPipeline(variablesPipeline(PIPELINE, repositoryUrl));
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  it('releases with a variable override from a dialog: the log and the execution variables show the value', async () => {
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page, { console: true });
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();

    // The dialog is modal, takes the focus, and Escape closes it, giving the focus back; nothing was started.
    const releaseButton = page.getByRole('button', { name: 'Release change' });
    await releaseButton.click();
    const dialog = page.getByRole('dialog', { name: `Release change of ${PIPELINE}` });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await releaseButton.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await executionIds(PIPELINE)).toEqual([]);

    // Declared variables prefilled with their defaults, with their description; override one and start.
    await releaseButton.click();
    const target = dialog.getByLabel('TARGET');
    expect(await target.inputValue()).toBe('staging');
    expect(await dialog.getByText('where Deploy goes').count()).toBe(1);
    await target.fill('production');
    await page.screenshot({ path: join(SCREENSHOTS, 'release-dialog.png') });
    await dialog.getByRole('button', { name: 'Start execution' }).click();
    released = await startedId(page, /Release started: execution (\S+)/);
    await dialog.waitFor({ state: 'detached' });
    expect((await execution(released)).variables).toEqual([{ name: 'TARGET', value: 'production' }]);
    await waitForCard(page, 'Deploy', 'Release', 'Succeeded', 90_000);

    // The execution page: the Build log echoes the override, the variables show it and the export it caused.
    await page.goto(`${url}/pipelines/${PIPELINE}/executions/${released}`);
    await page.getByTestId('execution-status').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
    await openLog(page, 'Package');
    const log = page.getByRole('log', { name: 'Log of Build / Package' });
    await log.getByText('deploying to production').waitFor();
    expect(await log.innerText()).not.toContain('#{variables.TARGET}');
    expect(await page.locator('[data-variable="variables.TARGET"] td').first().innerText()).toBe('production');
    expect(await page.locator('[data-variable="BuildVariables.TARGET_SEEN"] td').first().innerText()).toBe('production');
    expect(await page.getByTestId('execution-type').innerText()).toMatch(/^Standard/);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('lists the execution artifacts; the Download link is signed on click and returns the recorded bytes', async () => {
    expect(released).not.toBe('');
    const { listArtifacts } = await dashboard.gql<{ listArtifacts: Array<{ name: string; sha256: string; size: number; stageName: string; actionName: string }> }>(
      'query($id: ID!) { listArtifacts(pipelineExecutionId: $id) { name sha256 size stageName actionName } }',
      { id: released },
    );
    const bundle = listArtifacts.find((a) => a.name === 'Bundle')!;
    expect(bundle).toMatchObject({ stageName: 'Build', actionName: 'Package' });

    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page, { console: true });
    const graphqlBodies: string[] = [];
    page.on('request', (req) => void (req.url().endsWith('/graphql') && graphqlBodies.push(req.postData() ?? '')));
    await page.goto(`${url}/pipelines/${PIPELINE}/executions/${released}`);
    const row = page.locator('tr[data-artifact="Bundle"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('Build / Package');
    expect(await row.innerText()).toContain(bundle.sha256.slice(0, 12));
    expect(await row.locator('[data-size]').getAttribute('data-size')).toBe(String(bundle.size));
    // Nothing is signed before a click.
    expect(graphqlBodies.some((body) => body.includes('artifactDownloadUrl'))).toBe(false);

    const download = page.waitForEvent('download');
    const link = row.getByRole('link', { name: 'Download Bundle' });
    expect(await link.getAttribute('href')).not.toMatch(/^\/artifacts\//);
    await link.click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBeTruthy();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/artifacts\/download\//);
    expect(graphqlBodies.filter((body) => body.includes('artifactDownloadUrl'))).toHaveLength(1);
    const bytes = Buffer.from(await (await fetch(`${url}${href}`)).arrayBuffer());
    expect({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ size: bundle.size, sha256: bundle.sha256 });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('refuses an override the pipeline no longer declares, naming it, and starts nothing', async () => {
    const name = 'vars-renamed';
    await dashboard.createPipeline(variablesPipeline(name, repositoryUrl));
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${name}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.getByRole('button', { name: 'Release change' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('TARGET').fill('production');

    // Meanwhile somebody renames the variable: the dialog still sends TARGET.
    const { getPipeline } = await dashboard.gql<{ getPipeline: { pipeline: Record<string, unknown> & { variables: Array<Record<string, string>> } } }>('query($n: String!) { getPipeline(name: $n) { pipeline } }', { n: name });
    const renamed = { ...getPipeline.pipeline, variables: [{ name: 'ENVIRONMENT', defaultValue: 'staging' }], stages: JSON.parse(JSON.stringify(getPipeline.pipeline.stages).replaceAll('variables.TARGET', 'variables.ENVIRONMENT')) as unknown };
    await dashboard.gql('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: renamed });

    await dialog.getByRole('button', { name: 'Start execution' }).click();
    const error = dialog.getByTestId('release-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/\$\.variables\[0\]\.name.*"TARGET"/s);
    expect(await dialog.getByLabel('TARGET').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.isVisible()).toBe(true);
    expect(await executionIds(name)).toEqual([]);
    await context.close();
  }, 120_000);

  it('rolls a stage back to an earlier successful execution: a new rollback execution runs live and succeeds', async () => {
    expect(released).not.toBe('');
    // A newer release with the default value: Deploy now shows it.
    const newer = await dashboard.startExecution(PIPELINE);
    await succeeded(newer);

    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page, { console: true });
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.locator(`[data-stage="Deploy"] [data-action="Release"][data-status="Succeeded"] a[href*="${newer}"]`).waitFor();
    // A source stage is never rolled back (as in CodePipeline); the others may be.
    expect(await page.locator('[data-stage="Source"]').getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    expect(await page.locator('[data-stage="Build"]').getByRole('button', { name: 'Roll back… Build' }).count()).toBe(1);

    await page.locator('[data-stage="Deploy"]').getByRole('button', { name: 'Roll back… Deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back Deploy' });
    await dialog.locator(`[data-target="${released}"]`).waitFor();
    // Newest first, each with its revision and time; the one Deploy shows now is marked.
    expect(await dialog.locator('[data-target]').evaluateAll((labels) => labels.map((l) => (l as HTMLElement).dataset.target))).toEqual([newer, released]);
    expect(await dialog.locator(`[data-target="${newer}"]`).innerText()).toContain('(what Deploy shows now)');
    expect(await dialog.locator(`[data-target="${released}"]`).innerText()).toContain('Add the landing page');
    await dialog.locator(`[data-target="${released}"]`).click();
    await dialog.getByRole('button', { name: 'Roll back Deploy' }).click();
    const rollback = await startedId(page, /Rolling back Deploy: execution (\S+)/);
    await dialog.waitFor({ state: 'detached' });

    // The new execution shows on the view like any other and succeeds.
    await page.locator(`[data-stage="Deploy"] [data-action="Release"] a[href*="${rollback}"]`).waitFor({ timeout: 60_000 });
    await waitForCard(page, 'Deploy', 'Release', 'Succeeded', 90_000);
    await page.locator(`tr[data-execution="${rollback}"]`).filter({ hasText: 'RollbackStage' }).waitFor();
    // The stage says it was rolled back (as CodePipeline's console labels it); the others do not.
    expect(await page.locator('[data-stage="Deploy"] [data-testid="rolled-back"]').innerText()).toBe(`Rolled back (execution ${rollback.slice(0, 8)})`);
    expect(await page.getByTestId('rolled-back').count()).toBe(1);
    const answer = await execution(rollback);
    expect(answer).toMatchObject({ status: 'Succeeded', executionType: 'ROLLBACK', trigger: { triggerType: 'RollbackStage', triggerDetail: released }, rollbackMetadata: { rollbackTargetPipelineExecutionId: released } });

    // Its page says it is a rollback (to the target), and Deploy ran with the target's variables.
    await page.goto(`${url}/pipelines/${PIPELINE}/executions/${rollback}`);
    await page.getByTestId('execution-type').filter({ hasText: 'Rollback' }).waitFor();
    expect(await page.getByTestId('execution-type').innerText()).toMatch(new RegExp(`^Rollback to ${released.slice(0, 8)}`));
    await openLog(page, 'Release');
    await page.getByRole('log', { name: 'Log of Deploy / Release' }).getByText('released production').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);

  it('imports an AWS get-pipeline output: the mapping report, then the created pipeline', async () => {
    const fixture = readFileSync(join(ROOT, 'libs/domain/src/aws/fixtures/v1-codecommit-codebuild-s3.json'), 'utf8');
    const awsName = (JSON.parse(fixture) as { pipeline: { name: string } }).pipeline.name;
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'Import from AWS' }).click();
    await page.getByRole('heading', { name: 'Import from AWS', level: 1 }).waitFor();

    // Not a pipeline: the server's error names the path.
    const json = page.getByLabel(/aws codepipeline get-pipeline/);
    await json.fill(JSON.stringify({ pipeline: { name: 'broken', stages: 'none' } }));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('import-error').filter({ hasText: /\$\.(pipeline\.)?stages/ }).waitFor();
    expect(await page.getByRole('button', { name: /Create pipeline/ }).count()).toBe(0);

    await json.fill(fixture);
    await page.getByRole('button', { name: 'Preview' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await page.getByTestId('import-error').count()).toBe(0);
    // Each AWS action with its provider and what it became; the dropped fields by path; the definition.
    const source = report.locator('[data-import-action="Source/Source"], [data-import-action^="Source/"]').first();
    expect(await source.innerText()).toContain('Source/AWS/CodeCommit/1');
    expect(await report.locator('[data-import-action]').count()).toBe(3);
    expect(await report.locator('[data-change-path="$.metadata"]').innerText()).toContain('dropped');
    const definition = JSON.parse(await page.getByTestId('import-definition').innerText()) as { name: string; stages: unknown[] };
    expect(definition).toMatchObject({ name: awsName });
    expect(definition.stages).toHaveLength(3);
    await page.getByRole('button', { name: 'Preview' }).evaluate((button) => button.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'aws-import.png') });
    // A preview creates nothing.
    await expect(dashboard.gql('query($n: String!) { getPipeline(name: $n) { name } }', { n: awsName })).rejects.toThrow(/not|NOT_FOUND/i);

    await page.getByRole('button', { name: `Create pipeline ${awsName}` }).click();
    await page.getByRole('heading', { name: awsName, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${awsName}`);
    const created = await dashboard.gql<{ getPipeline: { name: string; pipeline: { stages: unknown[] } } }>('query($n: String!) { getPipeline(name: $n) { name pipeline } }', { n: awsName });
    expect(created.getPipeline.name).toBe(awsName);
    expect(created.getPipeline.pipeline.stages).toHaveLength(3);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('pins a source revision from the dialog, on a narrow screen', async () => {
    // A second commit: without a pin the release would take it.
    const repo = join(dashboard.base, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Dashboard test', '-c', 'user.email=test@sluice.local', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    const first = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'index.html'), '<h1>web-app v2</h1>\n');
    git('commit', '--quiet', '-am', 'Second page');

    const context = await dashboard.signedInContext({ width: 390, height: 800 });
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.getByRole('button', { name: 'Release change' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Commit of Checkout').fill(first);
    // The whole dialog fits the narrow screen.
    const box = (await dialog.boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await dialog.getByRole('button', { name: 'Start execution' }).click();
    const pinned = await startedId(page, /Release started: execution (\S+)/);
    await succeeded(pinned);
    const { getPipelineExecution } = await dashboard.gql<{ getPipelineExecution: { sourceRevisions: Array<{ actionName: string; revisionId: string; revisionSummary: string | null }> } }>(
      'query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { sourceRevisions { actionName revisionId revisionSummary } } }',
      { p: PIPELINE, id: pinned },
    );
    expect(getPipelineExecution.sourceRevisions).toMatchObject([{ actionName: 'Checkout', revisionId: first, revisionSummary: 'Add the landing page' }]);
    await context.close();
  }, 120_000);

  it('shows a read-only user no Release, Roll back or Import controls', async () => {
    await dashboard.gql('mutation { createUser(userName: "reader") { userName } }');
    await dashboard.gql('mutation { attachPolicy(targetType: USER, targetName: "reader", managedPolicy: "ReadOnly") { name } }');
    const reader = (await dashboard.gql<{ createToken: { token: string } }>('mutation { createToken(principalId: "reader") { token } }')).createToken.token;
    const context = await dashboard.signedInContext({ width: 390, height: 800 }, reader);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.locator(`tr[data-pipeline="${PIPELINE}"]`).waitFor();
    expect(await page.getByRole('link', { name: 'Import from AWS' }).count()).toBe(0);

    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-rights="known"]').waitFor();
    await page.getByTestId('read-only').waitFor();
    await page.locator('[data-stage="Deploy"] [data-action="Release"]').waitFor();
    expect(await buttonsOf(page)).toEqual([]);

    // The execution page still lists the variables, and the artifacts to download (a read).
    const [latest] = await executionIds(PIPELINE);
    await page.goto(`${url}/pipelines/${PIPELINE}/executions/${latest}`);
    await page.getByTestId('variables').waitFor();
    await page.locator('[data-artifact="Bundle"]').getByRole('link', { name: 'Download Bundle' }).waitFor();
    expect(await buttonsOf(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
