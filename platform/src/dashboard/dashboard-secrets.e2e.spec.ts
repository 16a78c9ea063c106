import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { collectPageErrors, SCREENSHOTS, startDashboard, type Dashboard } from '../testing/dashboard-harness';

// The Secrets page (decision 0043) in Chromium: a value goes in through a password field and is never shown again;
// rotating adds a version; a reader without sluice:ManageSecrets sees the list and is refused a change.
jest.setTimeout(180_000);

describe('the dashboard: secrets', () => {
  let dashboard: Dashboard;
  const value = `dash-${randomBytes(10).toString('hex')}`;

  beforeAll(async () => {
    dashboard = await startDashboard();
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  it('creates, rotates and lists a secret without ever showing its value', async () => {
    const context = await dashboard.signedInContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${dashboard.url}/`);
    await page.getByRole('link', { name: 'Secrets' }).click();
    await page.getByRole('heading', { name: 'Secrets' }).waitFor();
    await page.getByText('No secrets yet.').waitFor();

    const form = page.getByRole('form', { name: 'Create a secret' });
    await form.getByLabel('Name').fill('DeployToken');
    await form.getByLabel('Value').fill(value);
    await form.getByLabel('Description').fill('deploys to prod');
    await form.getByRole('button', { name: 'Create secret' }).click();
    await page.getByRole('status').getByText('Created DeployToken (version 1)').waitFor();
    const row = page.locator('tr[data-secret="DeployToken"]');
    await row.getByRole('cell', { name: '1', exact: true }).waitFor();

    await row.getByRole('button', { name: 'Rotate' }).click();
    await row.getByLabel('New value').fill(`${value}-2`);
    await row.getByRole('button', { name: 'Save version 2' }).click();
    await page.getByRole('status').getByText('DeployToken is now at version 2.').waitFor();
    await page.locator('tr[data-secret="DeployToken"]').getByRole('cell', { name: '2', exact: true }).waitFor();

    await page.screenshot({ path: join(SCREENSHOTS, 'secrets.png'), fullPage: true });
    expect(await page.content()).not.toContain(value);
    expect((await dashboard.gql<{ listSecrets: Array<{ name: string; version: number }> }>('query { listSecrets { name version } }')).listSecrets).toEqual([{ name: 'DeployToken', version: 2 }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a reader the list and the refusal when they try to create one', async () => {
    await dashboard.gql('mutation { createUser(userName: "lister") { userName } }');
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sluice:ListSecrets', 'sluice:ListPipelines', 'sluice:GetCallerIdentity'], Resource: '*' }] };
    await dashboard.gql('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "lister", policyName: "list", document: $d) { name } }', { d: policy });
    const token = (await dashboard.gql<{ createToken: { token: string } }>('mutation { createToken(principalId: "lister") { token } }')).createToken.token;
    const context = await dashboard.signedInContext(undefined, token);
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/secrets`);
    await page.locator('tr[data-secret="DeployToken"]').waitFor();
    const form = page.getByRole('form', { name: 'Create a secret' });
    await form.getByLabel('Name').fill('Sneaky');
    await form.getByLabel('Value').fill('whatever-value');
    await form.getByRole('button', { name: 'Create secret' }).click();
    await page.getByRole('alert').getByText('sluice:ManageSecrets').waitFor();
    expect((await dashboard.gql<{ listSecrets: Array<{ name: string }> }>('query { listSecrets { name } }')).listSecrets.map((secret) => secret.name)).toEqual(['DeployToken']);
    await context.close();
  });
});
