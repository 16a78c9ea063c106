import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { commandsStage, gitSourceStage } from '@sluice/testing/fixtures';
import { collectPageErrors, gitRepository, SCREENSHOTS, startDashboard, type Dashboard } from '../testing/dashboard-harness';

// Issue 21: a notification target that fails shows on the pipeline view, in Chromium against the embedded platform.
const PIPELINE = 'notified';

describe('the dashboard: notification failures on the pipeline view', () => {
  let dashboard: Dashboard;
  let receiver: Server;
  let receiverUrl = '';

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(503).end('maintenance'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    dashboard = await startDashboard({ SLUICE_NOTIFICATION_ALLOWED_ADDRESSES: '127.0.0.1' });
    const repositoryUrl = gitRepository(join(dashboard.base, 'repo'));
    await dashboard.createPipeline({ name: PIPELINE, stages: [gitSourceStage({ repositoryUrl }), commandsStage('Build', ['true'], { action: 'Compile', inputs: 'SourceOutput' })] });
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('lists the notifications that were not delivered, with their attempts and the error, linking to the execution', async () => {
    await dashboard.gql('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', {
      r: { name: 'team-hook', pipelineName: PIPELINE, eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started'], targets: [{ type: 'Webhook', address: receiverUrl, secret: 'a-secret-for-the-team-hook' }] },
    });
    const executionId = await dashboard.startExecution(PIPELINE);
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    const panel = page.getByTestId('notifications');
    await panel.getByText('1 notification not delivered').waitFor({ timeout: 60_000 });
    const row = panel.locator('tbody tr');
    expect(await row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['team-hook', 'execution started', 'Webhook']);
    expect(cells[3]).toMatch(/^(Retrying|Failed)/);
    expect(cells[5]).toContain('answered HTTP 503');
    expect(await row.getByRole('link').getAttribute('href')).toBe(`/pipelines/${PIPELINE}/executions/${executionId}`);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-notifications.png') });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('edits a rule from the panel at the version read: disabled and tagged; a change made meanwhile is a conflict; a reader gets no Edit', async () => {
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    const rule = page.getByTestId('notifications').locator('li[data-rule="team-hook"]');
    await rule.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByTestId('rule-dialog');
    await dialog.getByTestId('rule-status').selectOption('DISABLED');
    await dialog.getByTestId('rule-tags').fill('team=web');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rule.locator('[data-tag="team"]').waitFor();
    expect(await rule.getAttribute('data-status')).toBe('DISABLED');
    const [saved] = (await dashboard.gql<{ notificationRules: Array<{ status: string; version: number; tags: unknown[]; targets: Array<{ secretSet: boolean }> }> }>(`{ notificationRules(pipelineName: "${PIPELINE}") { status version tags { key value } targets { secretSet } } }`)).notificationRules;
    expect(saved).toEqual({ status: 'DISABLED', version: 3, tags: [{ key: 'team', value: 'web' }], targets: [{ secretSet: true }] });

    // Someone changes the rule while the form is open: saving is refused, and nothing of the form is applied.
    await rule.getByRole('button', { name: 'Edit' }).click();
    await dashboard.gql(`mutation { updateNotificationRule(pipelineName: "${PIPELINE}", name: "team-hook", version: 3, changes: { status: "ENABLED" }) { version } }`);
    await dialog.getByTestId('rule-tags').fill('team=ops');
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect(await dialog.getByTestId('rule-error').innerText()).toMatch(/version 4, not 3/);
    const [kept] = (await dashboard.gql<{ notificationRules: Array<{ version: number; tags: unknown[] }> }>(`{ notificationRules(pipelineName: "${PIPELINE}") { version tags { key value } } }`)).notificationRules;
    expect(kept).toEqual({ version: 4, tags: [{ key: 'team', value: 'web' }] });
    expect(pageErrors).toEqual([]);
    await context.close();

    const reader = await dashboard.userWithToken('rule-reader', 'ReadOnly');
    const readerContext = await dashboard.signedInContext(undefined, reader);
    const readerPage = await readerContext.newPage();
    await readerPage.goto(`${dashboard.url}/pipelines/${PIPELINE}`);
    await readerPage.getByTestId('notifications').locator('li[data-rule="team-hook"]').waitFor();
    await readerPage.waitForLoadState('networkidle');
    expect(await readerPage.getByTestId('notifications').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await readerContext.close();
  });
});
