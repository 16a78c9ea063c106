import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { collectPageErrors, gitRepository, SCREENSHOTS, startDashboard, webAppPipeline, type Dashboard } from '../testing/dashboard-harness';

// The pipeline editor, the version history and "New pipeline", in Chromium against the embedded platform.
const PIPELINE = 'web-app';

interface Definition {
  name: string;
  version?: number;
  stages: Array<{ name: string; actions: Array<Record<string, unknown> & { name: string }> }>;
}

const GET_PIPELINE = 'query($n: String!) { getPipeline(name: $n) { pipeline metadata { version } } }';
const UPDATE_PIPELINE = 'mutation($p: JSON!) { updatePipeline(pipeline: $p) { metadata { version } } }';

/** Line and column (1-based) of an offset, counted independently of the page's code. */
function lineAndColumnOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `Line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

describe('the pipeline editor and version history, in Chromium', () => {
  let dashboard: Dashboard;
  let url: string;
  let repositoryUrl: string;
  const contexts: BrowserContext[] = [];

  const getPipeline = async (name: string) => (await dashboard.gql<{ getPipeline: { pipeline: Definition; metadata: { version: number } } }>(GET_PIPELINE, { n: name })).getPipeline;
  const openPage = async (as?: string): Promise<{ page: Page; errors: string[] }> => {
    const context = await dashboard.signedInContext({ width: 1280, height: 800 }, as);
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: collectPageErrors(page, { console: true }) };
  };
  const json = (page: Page) => page.getByRole('textbox', { name: 'Definition (JSON)' });
  /** The problem list once it shows the text as it is now (checked after typing rests). */
  const checkedProblems = async (page: Page) => {
    await page.locator('[data-testid="problems"][data-checked="current"]').waitFor();
    return page.locator('[data-testid="problems"] li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.path ?? `syntax ${(li as HTMLElement).dataset.line}:${(li as HTMLElement).dataset.column}`));
  };
  const buttonsOf = (page: Page) => page.locator('main button').evaluateAll((buttons) => buttons.map((b) => (b.textContent ?? '').trim()));

  beforeAll(async () => {
    dashboard = await startDashboard();
    url = dashboard.url;
    repositoryUrl = gitRepository(join(dashboard.base, 'repo'));
    await dashboard.createPipeline(webAppPipeline(PIPELINE, repositoryUrl));
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await dashboard?.stop();
  });

  it('shows errors at their path as you type, edits with the form, saves version 2, and refuses a stale save', async () => {
    const { page, errors } = await openPage();
    const mutations: string[] = [];
    page.on('request', (req) => void (req.url().endsWith('/graphql') && /updatePipeline|createPipeline/.test(req.postData() ?? '') && mutations.push(req.postData()!)));

    // From the pipeline view, by its "Edit definition" link.
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-may-edit="true"]').waitFor();
    await page.getByRole('link', { name: 'Edit definition' }).click();
    expect(new URL(page.url()).pathname).toBe(`/pipelines/${PIPELINE}/edit`);
    await page.locator('[data-testid="loaded-version"][data-version="1"]').waitFor();
    expect(await checkedProblems(page)).toEqual([]);
    const original = await json(page).inputValue();
    const loaded = JSON.parse(original) as Definition;
    expect(loaded.version).toBeUndefined();
    expect(loaded.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Deploy']);
    const build = loaded.stages.findIndex((s) => s.name === 'Build');
    const compile = loaded.stages[build]!.actions.findIndex((a) => a.name === 'Compile');
    const lint = loaded.stages[build]!.actions.findIndex((a) => a.name === 'Lint');

    // A syntax error: the comma after the name is typed away; the error names the line and column of what follows.
    const nameLine = `"name": "${PIPELINE}",`;
    const comma = original.indexOf(nameLine) + nameLine.length - 1;
    await json(page).click();
    await page.evaluate((offset) => {
      const area = document.querySelector<HTMLTextAreaElement>('#definition-json')!;
      area.setSelectionRange(offset + 1, offset + 1);
    }, comma);
    await page.keyboard.press('Backspace');
    const broken = await json(page).inputValue();
    expect(broken).toBe(original.slice(0, comma) + original.slice(comma + 1));
    const next = comma + broken.slice(comma).search(/\S/);
    const where = lineAndColumnOf(broken, next);
    const syntax = page.getByTestId('syntax-error');
    await syntax.waitFor();
    expect(await syntax.innerText()).toContain(where);
    expect(await syntax.innerText()).toContain('JSON syntax error');
    // The form says it is out of date and cannot be used.
    await page.getByTestId('form-out-of-date').waitFor();
    expect(await page.getByLabel('Stage name').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    // Semantic errors, without a save: runOrder 0 and a duplicate action name, each at its path.
    const invalid = structuredClone(loaded);
    invalid.stages[build]!.actions[compile]!.runOrder = 0;
    invalid.stages[build]!.actions[lint]!.name = 'Compile';
    await json(page).fill(JSON.stringify(invalid, null, 2));
    const runOrderPath = `$.stages[${build}].actions[${compile}].runOrder`;
    const duplicatePath = `$.stages[${build}].actions[${lint}].name`;
    await page.locator(`[data-testid="problems"] li[data-path="${runOrderPath}"]`).waitFor();
    expect(await checkedProblems(page)).toEqual(expect.arrayContaining([runOrderPath, duplicatePath]));
    expect(await page.locator(`li[data-path="${duplicatePath}"]`).getAttribute('data-code')).toBe('duplicate_action_name');
    expect(await page.getByTestId('syntax-error').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    // Clicking the error puts the cursor on the offending value.
    await page.locator(`li[data-path="${runOrderPath}"] button`).click();
    const selected = await page.evaluate(() => {
      const area = document.querySelector<HTMLTextAreaElement>('#definition-json')!;
      return { text: area.value.slice(area.selectionStart, area.selectionEnd), focused: document.activeElement === area, before: area.value.slice(0, area.selectionStart) };
    });
    expect(selected.text).toBe('0');
    expect(selected.focused).toBe(true);
    expect(selected.before.endsWith('"runOrder": ')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline-editor.png') });
    expect(mutations).toEqual([]);

    // Fixed: no problems.
    await json(page).fill(original);
    expect(await checkedProblems(page)).toEqual([]);

    // The form: a new stage with an action, and Lint removed; the JSON follows.
    await page.getByLabel('Stage name').fill('Test');
    await page.getByRole('button', { name: 'Add stage' }).click();
    await page.getByLabel('To stage').selectOption({ label: 'Test' });
    await page.getByLabel('Action name').fill('Unit');
    await page.getByLabel('Action type').selectOption('Test/Sluice/Commands/1');
    await page.getByLabel('Run order').fill('1');
    await page.getByLabel('Key', { exact: true }).first().fill('Commands');
    await page.getByLabel('Value', { exact: true }).first().fill('echo tested');
    await page.getByLabel('Input artifacts (names, comma separated)').fill('SourceOutput');
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByRole('button', { name: 'Remove action Lint of stage Build' }).click();
    const edited = JSON.parse(await json(page).inputValue()) as Definition;
    expect(edited.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Deploy', 'Test']);
    expect(edited.stages[4]!.actions).toEqual([
      { name: 'Unit', actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' }, runOrder: 1, configuration: { Commands: 'echo tested' }, inputArtifacts: [{ name: 'SourceOutput' }] },
    ]);
    expect(edited.stages[build]!.actions.map((a) => a.name)).toEqual(['Compile', 'Package']);
    expect(await checkedProblems(page)).toEqual([]);

    // Saved: version 2, and the editor goes on from it.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="loaded-version"][data-version="2"]').waitFor();
    expect(await page.getByTestId('editor-message').innerText()).toBe('Saved: version 2.');
    const saved = await getPipeline(PIPELINE);
    expect(saved.metadata.version).toBe(2);
    expect(saved.pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Deploy', 'Test']);
    expect(saved.pipeline.stages[4]!.actions.map((a) => a.name)).toEqual(['Unit']);
    expect(saved.pipeline.stages[build]!.actions.map((a) => a.name)).toEqual(['Compile', 'Package']);
    expect(mutations).toHaveLength(1);
    expect(JSON.parse(mutations[0]!).variables.pipeline.version).toBe(1);

    // Someone updates it through the API meanwhile: the page's save is refused, nothing is overwritten, the text is kept.
    const theirs = structuredClone(saved.pipeline);
    theirs.stages[3]!.actions[0]!.configuration = { Commands: 'echo released by the API' };
    expect((await dashboard.gql<{ updatePipeline: { metadata: { version: number } } }>(UPDATE_PIPELINE, { p: theirs })).updatePipeline.metadata.version).toBe(3);
    const mine = JSON.parse(await json(page).inputValue()) as Definition;
    mine.stages[1]!.actions[0]!.configuration = { Commands: 'echo compiled by the editor' };
    const myText = JSON.stringify(mine, null, 2);
    await json(page).fill(myText);
    expect(await checkedProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.getAttribute('data-current-version')).toBe('3');
    expect(await conflict.innerText()).toMatch(/is at version 3, not 2/);
    expect(await conflict.innerText()).toMatch(/Version 3 is current, saved by \S+/);
    expect(await json(page).inputValue()).toBe(myText);
    const after = await getPipeline(PIPELINE);
    expect(after.metadata.version).toBe(3);
    expect(after.pipeline.stages[3]!.actions[0]!.configuration).toEqual({ Commands: 'echo released by the API' });
    expect(after.pipeline.stages[1]!.actions[0]!.configuration).toEqual(saved.pipeline.stages[1]!.actions[0]!.configuration);
    // Its differences from version 3, then version 3 itself.
    await conflict.getByRole('button', { name: 'Show differences from version 3' }).click();
    await conflict.locator('[data-path="$.stages[Build].actions[Compile].configuration.Commands"][data-kind="changed"]').waitFor();
    await conflict.locator('[data-path="$.stages[Deploy].actions[Release].configuration.Commands"][data-kind="changed"]').waitFor();
    await conflict.getByRole('button', { name: 'Load version 3 (discard your text)' }).click();
    await page.locator('[data-testid="loaded-version"][data-version="3"]').waitFor();
    expect(await page.getByTestId('conflict').count()).toBe(0);
    expect((JSON.parse(await json(page).inputValue()) as Definition).stages[3]!.actions[0]!.configuration).toEqual({ Commands: 'echo released by the API' });

    // Another change behind its back; this time the user keeps the text and saves it over the current version, knowingly.
    const v3 = await getPipeline(PIPELINE);
    v3.pipeline.stages[0]!.actions[0]!.configuration = { ...(v3.pipeline.stages[0]!.actions[0]!.configuration as Record<string, string>), BranchName: 'release' };
    await dashboard.gql(UPDATE_PIPELINE, { p: v3.pipeline });
    const mine2 = JSON.parse(await json(page).inputValue()) as Definition;
    mine2.stages[4]!.actions[0]!.runOrder = 2;
    await json(page).fill(JSON.stringify(mine2, null, 2));
    expect(await checkedProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="conflict"][data-current-version="4"]').waitFor();
    await page.getByRole('button', { name: 'Keep your text, update version 4 with it' }).click();
    await page.locator('[data-testid="loaded-version"][data-version="4"]').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="loaded-version"][data-version="5"]').waitFor();
    const v5 = await getPipeline(PIPELINE);
    expect([v5.metadata.version, v5.pipeline.stages[4]!.actions[0]!.runOrder, (v5.pipeline.stages[0]!.actions[0]!.configuration as Record<string, string>).BranchName]).toEqual([5, 2, 'main']);
    expect(errors).toEqual([]);
  }, 180_000);

  it('compares any two versions, listing the changes by path', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.getByRole('link', { name: 'Version history' }).click();
    await page.getByRole('heading', { name: `Version history of ${PIPELINE}` }).waitFor();
    await page.locator('tr[data-version="5"]').waitFor();
    expect(await page.locator('tr[data-version]').count()).toBe(5);
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption('2');
    const diff = page.locator('[data-testid="version-diff"][data-from="1"][data-to="2"][data-loaded="true"]');
    await diff.waitFor();
    const added = diff.locator('tr[data-path="$.stages[Test]"][data-kind="added"]');
    await added.waitFor();
    expect(await added.innerText()).toMatch(/^Added\s/);
    expect(await added.innerText()).toContain('"name": "Unit"');
    const removed = diff.locator('tr[data-path="$.stages[Build].actions[Lint]"][data-kind="removed"]');
    expect(await removed.innerText()).toMatch(/^Removed\s/);
    expect([await removed.locator('pre.before').count(), await removed.locator('pre.after').count()]).toEqual([1, 0]);
    expect(await diff.locator('tr[data-kind]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.path))).toEqual(['$.stages[Build].actions[Lint]', '$.stages[Test]', '$.version']);
    await page.screenshot({ path: join(SCREENSHOTS, 'version-diff.png') });
    // The other way round, and two versions further apart.
    await page.getByLabel('From version').selectOption('2');
    await page.getByLabel('To version').selectOption('1');
    await page.locator('[data-testid="version-diff"][data-from="2"][data-to="1"][data-loaded="true"] tr[data-path="$.stages[Test]"][data-kind="removed"]').waitFor();
    await page.getByLabel('To version').selectOption('3');
    await page.locator('[data-testid="version-diff"][data-from="2"][data-to="3"][data-loaded="true"] tr[data-path="$.stages[Deploy].actions[Release].configuration.Commands"][data-kind="changed"]').waitFor();
    expect(errors).toEqual([]);
  }, 120_000);

  it('creates a pipeline from "New pipeline", starting from a template', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${url}/`);
    await page.locator('[data-may-create="true"]').waitFor();
    await page.getByRole('link', { name: 'New pipeline' }).click();
    expect(new URL(page.url()).pathname).toBe('/new-pipeline');
    await page.locator('.editor[data-allowed="true"]').waitFor();
    expect(await checkedProblems(page)).toEqual([]);
    const template = JSON.parse(await json(page).inputValue()) as Definition & { stages: Array<{ actions: Array<{ configuration: Record<string, string> }> }> };
    expect(template.stages.map((s) => s.name)).toEqual(['Source', 'Build']);
    template.name = 'made-in-editor';
    template.stages[0]!.actions[0]!.configuration.RepositoryUrl = repositoryUrl;
    await json(page).fill(JSON.stringify(template, null, 2));
    expect(await checkedProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.locator('[data-testid="loaded-version"][data-version="1"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/pipelines/made-in-editor/edit');
    const created = await getPipeline('made-in-editor');
    expect(created.metadata.version).toBe(1);
    expect(created.pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build']);
    expect(errors).toEqual([]);
  }, 120_000);

  it('knows the account\'s custom action types, and shows a refusal of the server at its path', async () => {
    await dashboard.gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', {
      input: {
        category: 'Deploy',
        provider: 'Rocket',
        version: '1',
        configurationProperties: [{ name: 'Target', required: true, key: true, secret: false, type: 'String' }],
        inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      },
    });
    await dashboard.gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: webAppPipeline('rocket-app', repositoryUrl) });
    const { page, errors } = await openPage();
    await page.goto(`${url}/pipelines/rocket-app/edit`);
    await page.locator('[data-testid="loaded-version"][data-version="1"]').waitFor();
    expect(await checkedProblems(page)).toEqual([]);

    // The custom type is offered, its required property is a row to fill, and the validator in the page accepts it.
    await page.getByLabel('To stage').selectOption({ label: 'Deploy' });
    await page.getByLabel('Action name').fill('Launch');
    await page.getByLabel('Action type').selectOption('Deploy/Custom/Rocket/1');
    expect(await page.getByLabel('Key', { exact: true }).first().inputValue()).toBe('Target');
    await page.getByLabel('Value', { exact: true }).first().fill('moon');
    await page.getByLabel('Run order').fill('2');
    await page.getByLabel('Input artifacts (names, comma separated)').fill('SourceOutput');
    await page.getByRole('button', { name: 'Add action' }).click();
    expect((JSON.parse(await json(page).inputValue()) as Definition).stages[3]!.actions[1]).toEqual({
      name: 'Launch',
      actionTypeId: { category: 'Deploy', owner: 'Custom', provider: 'Rocket', version: '1' },
      runOrder: 2,
      configuration: { Target: 'moon' },
      inputArtifacts: [{ name: 'SourceOutput' }],
    });
    expect(await checkedProblems(page)).toEqual([]);

    // The type is deleted behind the page's back: the server refuses the save, and its issue is shown at its path.
    await dashboard.gql('mutation { deleteCustomActionType(category: Deploy, provider: "Rocket", version: "1") }');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="problems"] li[data-from="server"][data-path="$.stages[3].actions[1].actionTypeId"]').waitFor();
    expect(await page.locator('[data-testid="loaded-version"]').getAttribute('data-version')).toBe('1');
    expect((await getPipeline('rocket-app')).metadata.version).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows a read-only user no Edit link, no Save and no New pipeline', async () => {
    const admin = dashboard.token;
    const gqlAs = dashboard.gql;
    await gqlAs('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: 'viewer' });
    await gqlAs('mutation($u: String!, $m: String!) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: $m) { name } }', { u: 'viewer', m: 'ReadOnly' });
    const viewer = (await gqlAs<{ createToken: { token: string } }>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: 'viewer' })).createToken.token;
    expect(viewer).not.toBe(admin);
    const { page, errors } = await openPage(viewer);

    await page.goto(`${url}/`);
    await page.locator('[data-may-create="false"]').waitFor({ state: 'attached' });
    expect(await page.getByRole('link', { name: 'New pipeline' }).count()).toBe(0);

    await page.goto(`${url}/pipelines/${PIPELINE}`);
    await page.locator('[data-may-edit="false"]').waitFor();
    expect(await page.getByRole('link', { name: 'Edit definition' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Version history' }).waitFor();

    // Even at the editor's address: the definition to read, but no Save, no form.
    await page.goto(`${url}/pipelines/${PIPELINE}/edit`);
    await page.locator('.editor[data-allowed="false"]').waitFor();
    await page.getByTestId('read-only').waitFor();
    await page.locator('[data-testid="loaded-version"][data-version="5"]').waitFor();
    expect(await json(page).getAttribute('readonly')).not.toBeNull();
    expect(await buttonsOf(page)).toEqual([]);
    expect(await page.getByTestId('definition-form').count()).toBe(0);

    await page.goto(`${url}/new-pipeline`);
    await page.locator('.editor[data-allowed="false"]').waitFor();
    expect(await buttonsOf(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it('fits a narrow screen', async () => {
    const context = await dashboard.signedInContext({ width: 390, height: 844 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/pipelines/${PIPELINE}/edit`);
    await page.locator('[data-testid="loaded-version"]').waitFor();
    await page.getByRole('button', { name: 'Add stage' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${url}/pipelines/${PIPELINE}/versions`);
    await page.locator('[data-testid="version-diff"][data-loaded="true"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 60_000);
});
