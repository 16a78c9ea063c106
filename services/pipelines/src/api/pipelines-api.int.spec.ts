import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineStreamId } from '@sluice/contracts';
import { startPipelinesService } from '../testing/pipelines-service-process';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { pipelineUsingCustomAction, sampleCustomActionType } from '../testing/sample-pipelines';
import { newTestSchema } from '../testing/test-schema';
import { errorCodes, serviceOnStoreForFile } from '@sluice/graphql-service/testing';

// The pipelines subgraph through HTTP POST /graphql, on the real PostgreSQL event store (one fresh schema).
const schema = newTestSchema();
const running = serviceOnStoreForFile(schema, startPipelinesService);

const as = (account: string, actor = 'alice') => ({ 'x-sluice-account': account, 'x-sluice-actor': actor });
const gql = (query: string, variables: Record<string, unknown> = {}, account = 'acme', actor = 'alice') =>
  running.service.graphql(query, variables, as(account, actor));

const PIPELINE_FIELDS = 'account name pipeline metadata { pipelineArn created updated version latestVersion } transitions { stageName enabled disabledReason lastChangedBy lastChangedAt } tags { key value }';
const CREATE = `mutation($pipeline: JSON!, $tags: [TagInput!]) { createPipeline(pipeline: $pipeline, tags: $tags) { ${PIPELINE_FIELDS} } }`;
const UPDATE = `mutation($pipeline: JSON!) { updatePipeline(pipeline: $pipeline) { ${PIPELINE_FIELDS} } }`;
const GET = `query($name: String!, $version: Int) { getPipeline(name: $name, version: $version) { ${PIPELINE_FIELDS} } }`;

const issuePaths = (response: { errors?: Array<{ extensions?: { issues?: Array<{ path: string }> } }> }) =>
  (response.errors?.[0]?.extensions?.issues ?? []).map((issue) => issue.path);

describe('createPipeline / getPipeline', () => {
  it('stores the definition as given at version 1 and returns it with metadata', async () => {
    const created = await gql(CREATE, { pipeline: sourceBuildDeployPipeline('web'), tags: [{ key: 'team', value: 'web' }] });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPipeline).toMatchObject({
      account: 'acme',
      name: 'web',
      pipeline: { ...sourceBuildDeployPipeline('web'), version: 1 },
      metadata: { pipelineArn: 'srn:sluice:acme:web', version: 1, latestVersion: 1 },
      tags: [{ key: 'team', value: 'web' }],
    });
    // Read-your-writes: the query right after the mutation sees it.
    const read = await gql(GET, { name: 'web' });
    expect(read.data!.getPipeline).toEqual(created.data!.createPipeline);
    expect(JSON.stringify(read.data!.getPipeline.pipeline)).toBe(JSON.stringify({ ...sourceBuildDeployPipeline('web'), version: 1 }));
  });

  it('accepts getPipeline output unchanged in createPipeline under another name (a copy)', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('copy-source') });
    const original = (await gql(GET, { name: 'copy-source' })).data!.getPipeline.pipeline;
    const copy = await gql(CREATE, { pipeline: { ...original, name: 'copy-target' } });
    expect(copy.errors).toBeUndefined();
    expect(copy.data!.createPipeline.pipeline).toEqual({ ...original, name: 'copy-target', version: 1 });
  });

  it('refuses a name that exists with CONFLICT', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('taken') });
    const again = await gql(CREATE, { pipeline: sourceBuildDeployPipeline('taken') });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('answers NOT_FOUND for a pipeline or a version that does not exist', async () => {
    expect(errorCodes(await gql(GET, { name: 'nowhere' }))).toEqual(['NOT_FOUND']);
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('one-version') });
    expect(errorCodes(await gql(GET, { name: 'one-version', version: 2 }))).toEqual(['NOT_FOUND']);
  });

  it('keeps accounts apart', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('private') }, 'tenant-a');
    expect(errorCodes(await gql(GET, { name: 'private' }, 'tenant-b'))).toEqual(['NOT_FOUND']);
    expect((await gql(GET, { name: 'private' }, 'tenant-a')).data!.getPipeline.account).toBe('tenant-a');
  });
});

describe('updatePipeline', () => {
  it('updates from the version read to the next; a stale version is a CONFLICT that changes nothing', async () => {
    const v1 = (await gql(CREATE, { pipeline: sourceBuildDeployPipeline('svc') })).data!.createPipeline.pipeline;
    const updated = await gql(UPDATE, { pipeline: { ...v1, executionMode: 'QUEUED' } }, 'acme', 'bob');
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updatePipeline.metadata).toMatchObject({ version: 2, latestVersion: 2 });
    expect(updated.data!.updatePipeline.pipeline).toEqual({ ...v1, executionMode: 'QUEUED', version: 2 });

    const eventsBefore = await running.store.readStream(pipelineStreamId('acme', 'svc'));
    const stale = await gql(UPDATE, { pipeline: { ...v1, executionMode: 'PARALLEL' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors![0]!.message).toContain('version 2');
    expect(await running.store.readStream(pipelineStreamId('acme', 'svc'))).toHaveLength(eventsBefore.length);
    expect((await gql(GET, { name: 'svc' })).data!.getPipeline.pipeline.executionMode).toBe('QUEUED');
  });

  it('lets exactly one of 10 concurrent updates from the same version win; the others get CONFLICT', async () => {
    const v1 = (await gql(CREATE, { pipeline: sourceBuildDeployPipeline('raced') })).data!.createPipeline.pipeline;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gql(UPDATE, { pipeline: { ...v1, variables: [{ name: 'WRITER', defaultValue: `w${i}` }] } }, 'acme', `writer-${i}`)),
    );
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => errorCodes(r)[0] === 'CONFLICT')).toHaveLength(9);
    const current = (await gql(GET, { name: 'raced' })).data!.getPipeline;
    expect(current.metadata.version).toBe(2);
    expect(current.pipeline.variables).toEqual(winners[0]!.data!.updatePipeline.pipeline.variables);
    expect(await running.store.readStream(pipelineStreamId('acme', 'raced'))).toHaveLength(2);
  });

  it('asks for the version when it is missing', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('no-version') });
    const response = await gql(UPDATE, { pipeline: sourceBuildDeployPipeline('no-version') });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(['$.version']);
  });

  it('answers NOT_FOUND for a pipeline that does not exist', async () => {
    expect(errorCodes(await gql(UPDATE, { pipeline: { ...sourceBuildDeployPipeline('ghost'), version: 1 } }))).toEqual(['NOT_FOUND']);
  });
});

describe('deletePipeline', () => {
  it('deletes; the name can be created again and its versions go on', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('doomed') });
    expect((await gql('mutation { deletePipeline(name: "doomed") }')).data).toEqual({ deletePipeline: true });
    expect(errorCodes(await gql(GET, { name: 'doomed' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql('mutation { deletePipeline(name: "doomed") }'))).toEqual(['NOT_FOUND']);
    const again = await gql(CREATE, { pipeline: sourceBuildDeployPipeline('doomed') });
    expect(again.data!.createPipeline.metadata.version).toBe(2);
    expect((await gql('{ listPipelineVersions(name: "doomed") { version } }')).data!.listPipelineVersions).toEqual([{ version: 1 }, { version: 2 }]);
  });
});

describe('listPipelines', () => {
  it('pages by name with an opaque cursor', async () => {
    for (const name of ['e-pipe', 'b-pipe', 'd-pipe', 'a-pipe', 'c-pipe']) await gql(CREATE, { pipeline: sourceBuildDeployPipeline(name) }, 'paging');
    const LIST = 'query($after: String) { listPipelines(first: 2, after: $after) { edges { cursor node { name metadata { version } } } pageInfo { hasNextPage endCursor } } }';
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await gql(LIST, { after }, 'paging')).data!.listPipelines;
      pages.push(page.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([['a-pipe', 'b-pipe'], ['c-pipe', 'd-pipe'], ['e-pipe']]);
  });

  it('refuses a cursor it did not give and a page size out of range', async () => {
    const bad = await gql('{ listPipelines(after: "not-a-cursor") { edges { cursor } } }', {}, 'paging');
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(bad)).toEqual(['after']);
    expect(issuePaths(await gql('{ listPipelines(first: 0) { edges { cursor } } }', {}, 'paging'))).toEqual(['first']);
  });
});

describe('versions and diffs', () => {
  it('lists every version and diffs two of them by path', async () => {
    const v1 = (await gql(CREATE, { pipeline: sourceBuildDeployPipeline('evolving') }, 'acme', 'alice')).data!.createPipeline.pipeline;
    const changed = structuredClone(v1);
    changed.stages[1].actions[0].commands = ['npm ci', 'npm run build'];
    await gql(UPDATE, { pipeline: changed }, 'acme', 'bob');
    const versions = (await gql('{ listPipelineVersions(name: "evolving") { version createdBy created pipeline } }')).data!.listPipelineVersions;
    expect(versions.map((v: { version: number; createdBy: string }) => [v.version, v.createdBy])).toEqual([
      [1, 'alice'],
      [2, 'bob'],
    ]);
    expect((await gql(GET, { name: 'evolving', version: 1 })).data!.getPipeline.pipeline).toEqual(v1);

    const diff = (await gql('{ diffPipelineVersions(name: "evolving", from: 1, to: 2) { from to changes { path kind before after } } }')).data!.diffPipelineVersions;
    expect(diff.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('$.stages[Build].actions[Compile].commands') })]),
    );
    expect(diff.changes.map((c: { path: string }) => c.path)).toContain('$.version');
  });
});

describe('stage transitions', () => {
  it('disables an inbound transition with reason, who and when, and enables it again', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('gated') });
    const disabled = await gql(
      'mutation { disableStageTransition(pipelineName: "gated", stageName: "Deploy", transitionType: Inbound, reason: "Release freeze until Monday") { stageName transitionType enabled disabledReason lastChangedBy lastChangedAt } }',
      {},
      'acme',
      'carol',
    );
    expect(disabled.errors).toBeUndefined();
    const transition = disabled.data!.disableStageTransition;
    expect(transition).toMatchObject({ stageName: 'Deploy', transitionType: 'Inbound', enabled: false, disabledReason: 'Release freeze until Monday', lastChangedBy: 'carol' });
    expect(Math.abs(Date.parse(transition.lastChangedAt) - Date.now())).toBeLessThan(60_000);

    const transitions = (await gql(GET, { name: 'gated' })).data!.getPipeline.transitions;
    expect(transitions.map((t: { stageName: string; enabled: boolean }) => [t.stageName, t.enabled])).toEqual([
      ['Build', true],
      ['Deploy', false],
    ]);

    const enabled = await gql('mutation { enableStageTransition(pipelineName: "gated", stageName: "Deploy", transitionType: Inbound) { enabled disabledReason lastChangedBy } }', {}, 'acme', 'dave');
    expect(enabled.data!.enableStageTransition).toEqual({ enabled: true, disabledReason: null, lastChangedBy: 'dave' });
  });

  it('names what is wrong: no reason, an outbound transition, the first stage, a stage that does not exist', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('gated-2') });
    const disable = (stage: string, type: string, reason: string) =>
      gql(`mutation($reason: String!) { disableStageTransition(pipelineName: "gated-2", stageName: "${stage}", transitionType: ${type}, reason: $reason) { enabled } }`, { reason });
    expect(issuePaths(await disable('Build', 'Inbound', ''))).toEqual(['reason']);
    expect(issuePaths(await disable('Build', 'Outbound', 'x'))).toEqual(['transitionType']);
    expect(issuePaths(await disable('Source', 'Inbound', 'x'))).toEqual(['stageName']);
    expect(errorCodes(await disable('Nope', 'Inbound', 'x'))).toEqual(['NOT_FOUND']);
  });
});

describe('tags', () => {
  it('tags and untags a pipeline by its resource name', async () => {
    await gql(CREATE, { pipeline: sourceBuildDeployPipeline('tagged') });
    const tagged = await gql('mutation { tagResource(resourceArn: "srn:sluice:acme:tagged", tags: [{ key: "env", value: "prod" }, { key: "team", value: "web" }]) { key value } }');
    expect(tagged.data!.tagResource).toEqual([
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'web' },
    ]);
    const untagged = await gql('mutation { untagResource(resourceArn: "srn:sluice:acme:tagged", tagKeys: ["env"]) { key } }');
    expect(untagged.data!.untagResource).toEqual([{ key: 'team' }]);
    expect(issuePaths(await gql('mutation { tagResource(resourceArn: "arn:aws:codepipeline:x", tags: [{ key: "a", value: "b" }]) { key } }'))).toEqual(['resourceArn']);
    expect(issuePaths(await gql('mutation { tagResource(resourceArn: "srn:sluice:acme:tagged", tags: [{ key: "aws:x", value: "b" }]) { key } }'))).toEqual(['tags[0].key']);
  });
});

describe('custom action types', () => {
  it('makes a definition that uses a custom action type valid once it is created', async () => {
    const before = await gql(CREATE, { pipeline: pipelineUsingCustomAction('uses-custom') }, 'custom');
    expect(errorCodes(before)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(before).some((path) => path.startsWith('$.stages[2].actions[0]'))).toBe(true);

    const created = await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { category owner provider version } inputArtifactDetails { maximumCount } } }', { input: sampleCustomActionType() }, 'custom');
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCustomActionType.id).toEqual({ category: 'Deploy', owner: 'Custom', provider: 'Terraform', version: '1' });

    const listed = await gql('{ listActionTypes(owner: Custom) { id { provider } } }', {}, 'custom');
    expect(listed.data!.listActionTypes).toEqual([{ id: { provider: 'Terraform' } }]);
    expect((await gql('{ listActionTypes(category: Source) { id { provider } } }', {}, 'other')).data!.listActionTypes.length).toBeGreaterThan(0);

    const after = await gql(CREATE, { pipeline: pipelineUsingCustomAction('uses-custom') }, 'custom');
    expect(after.errors).toBeUndefined();

    expect(errorCodes(await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input: sampleCustomActionType() }, 'custom'))).toEqual(['CONFLICT']);
    const deleted = await gql('mutation { deleteCustomActionType(category: Deploy, provider: "Terraform", version: "1") }', {}, 'custom');
    expect(deleted.data).toEqual({ deleteCustomActionType: true });
    expect((await gql('{ listActionTypes(owner: Custom) { id { provider } } }', {}, 'custom')).data!.listActionTypes).toEqual([]);
  });

  it('reads one type, updates it, and after a delete keeps stored definitions, refuses new ones, and restores the same definition', async () => {
    const GET = 'query($owner: ActionOwner!, $provider: String!) { getActionType(category: Deploy, owner: $owner, provider: $provider, version: "1") { id { owner provider } settings } }';
    const UPDATE = 'mutation($owner: ActionOwner!, $input: JSON!) { updateActionType(owner: $owner, input: $input) { settings } }';
    expect((await gql(GET, { owner: 'Sluice', provider: 'Directory' }, 'lifecycle')).data!.getActionType.id).toEqual({ owner: 'Sluice', provider: 'Directory' });
    expect(errorCodes(await gql(GET, { owner: 'Custom', provider: 'Terraform' }, 'lifecycle'))).toEqual(['NOT_FOUND']);
    await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input: sampleCustomActionType() }, 'lifecycle');
    expect(errorCodes(await gql(GET, { owner: 'Custom', provider: 'Terraform' }, 'other'))).toEqual(['NOT_FOUND']);
    expect((await gql(CREATE, { pipeline: pipelineUsingCustomAction('kept') }, 'lifecycle')).errors).toBeUndefined();

    const { tags: _tags, ...definition } = sampleCustomActionType() as Record<string, unknown>;
    const settings = { entityUrlTemplate: 'https://terraform.example.com/' };
    expect((await gql(UPDATE, { owner: 'Custom', input: { ...definition, settings } }, 'lifecycle')).data!.updateActionType).toEqual({ settings });
    expect((await gql(GET, { owner: 'Custom', provider: 'Terraform' }, 'lifecycle')).data!.getActionType.settings).toEqual(settings);
    const builtIn = await gql(UPDATE, { owner: 'Sluice', input: { ...definition, provider: 'Directory' } }, 'lifecycle');
    expect(errorCodes(builtIn)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(builtIn)).toEqual(['$.owner']);

    await gql('mutation { deleteCustomActionType(category: Deploy, provider: "Terraform", version: "1") }', {}, 'lifecycle');
    expect(errorCodes(await gql(GET, { owner: 'Custom', provider: 'Terraform' }, 'lifecycle'))).toEqual(['NOT_FOUND']);
    expect((await gql('query { getPipeline(name: "kept") { name } }', {}, 'lifecycle')).data).toEqual({ getPipeline: { name: 'kept' } });
    expect(errorCodes(await gql(CREATE, { pipeline: pipelineUsingCustomAction('new-one') }, 'lifecycle'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(UPDATE, { owner: 'Custom', input: definition }, 'lifecycle'))).toEqual(['NOT_FOUND']);
    // Its workers may still poll it: the definitions stored before the delete still make its jobs.
    expect((await gql('{ listActionTypes(owner: Custom) { id { provider } } }', {}, 'lifecycle')).data!.listActionTypes).toEqual([]);
    expect((await gql('{ listActionTypes(owner: Custom, includeDeleted: true) { id { provider } } }', {}, 'lifecycle')).data!.listActionTypes).toEqual([{ id: { provider: 'Terraform' } }]);

    // Created again: with another definition a new version is needed; with the one it had last, it is restored.
    expect(errorCodes(await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input: sampleCustomActionType() }, 'lifecycle'))).toEqual(['CONFLICT']);
    const restored = await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { settings } }', { input: { ...definition, settings } }, 'lifecycle');
    expect(restored.data).toEqual({ createCustomActionType: { settings } });
    expect((await gql(CREATE, { pipeline: pipelineUsingCustomAction('new-one') }, 'lifecycle')).errors).toBeUndefined();
  });

  it('refuses an invalid custom action type with the paths', async () => {
    const response = await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input: { category: 'Deploy', provider: 'has space', version: '1' } }, 'custom');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(expect.arrayContaining(['$.provider']));
  });
});

describe('bad input', () => {
  it('reports every issue of an invalid definition by path, and stores nothing', async () => {
    const bad = sourceBuildDeployPipeline('broken') as any;
    bad.stages[1].name = 'Source';
    bad.stages[2].actions[0].inputArtifacts = [{ name: 'Missing' }];
    bad.stages[1].actions[0].runOrder = 1000;
    const response = await gql(CREATE, { pipeline: bad });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(
      expect.arrayContaining(['$.stages[1].name', '$.stages[1].actions[0].runOrder', '$.stages[2].actions[0].inputArtifacts[0].name']),
    );
    for (const issue of response.errors![0]!.extensions!.issues!) expect(issue.message.length).toBeGreaterThan(10);
    expect(await running.store.readStream(pipelineStreamId('acme', 'broken'))).toEqual([]);
  });

  it.each([
    ['a string', 'pipeline'],
    ['null stages', { name: 'typed', stages: null }],
    ['stages as an object', { name: 'typed', stages: { Source: {} } }],
    ['a number as name', { name: 42, stages: [] }],
  ])('refuses wrong types (%s) with BAD_USER_INPUT', async (_title, pipeline) => {
    const response = await gql(CREATE, { pipeline });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response).length).toBeGreaterThan(0);
  });

  it('answers a malformed JSON body with a clear 400 and keeps serving', async () => {
    const response = await running.service.post('{"query": "{ listPipelines { edges { cursor } } }"', as('acme'));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ errors: [{ message: expect.stringContaining('not valid JSON'), extensions: { code: 'BAD_REQUEST' } }] });
    const next = await gql('{ listPipelines { pageInfo { hasNextPage } } }');
    expect(next.status).toBe(200);
    expect(next.errors).toBeUndefined();
  });

  it('refuses a 10 MB definition at $ (the body limit lets it reach the validator)', async () => {
    const huge = { ...sourceBuildDeployPipeline('huge'), variables: [{ name: 'BIG', defaultValue: 'x'.repeat(10 * 1024 * 1024) }] };
    const response = await gql(CREATE, { pipeline: huge });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(['$']);
    expect(await running.store.readStream(pipelineStreamId('acme', 'huge'))).toEqual([]);
    expect((await gql('{ listPipelines { pageInfo { hasNextPage } } }')).errors).toBeUndefined();
  });

  it('answers a body over the limit with 413 and keeps serving', async () => {
    const response = await running.service.post(JSON.stringify({ query: '{ x }', padding: 'x'.repeat(13 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await gql('{ listPipelines { pageInfo { hasNextPage } } }')).errors).toBeUndefined();
  });

  it('names the paths of control characters and unicode in names', async () => {
    const pipeline = sourceBuildDeployPipeline('bell\u0007name') as any;
    pipeline.stages[1].name = 'Bühne';
    pipeline.stages[1].actions[0].name = 'build 🚀';
    const response = await gql(CREATE, { pipeline });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(expect.arrayContaining(['$.name', '$.stages[1].name', '$.stages[1].actions[0].name']));
    expect(response.errors![0]!.extensions!.issues!.find((i) => i.path === '$.name')!.message).toContain('U+0007');
  });

  it('stores or refuses a NUL character in a configuration value, never an internal error', async () => {
    const pipeline = sourceBuildDeployPipeline('nul-config') as any;
    pipeline.stages[2].actions[0].configuration.Path = '/srv/\u0000web';
    const response = await gql(CREATE, { pipeline });
    expect(errorCodes(response).filter((code) => code !== 'BAD_USER_INPUT')).toEqual([]);
    if (!response.errors) expect((await gql(GET, { name: 'nul-config' })).data!.getPipeline.pipeline).toEqual({ ...pipeline, version: 1 });
  });

  it('refuses invalid account and actor headers', async () => {
    const response = await running.service.graphql('{ listPipelines { pageInfo { hasNextPage } } }', {}, { 'x-sluice-account': 'Not An Account', 'x-sluice-actor': '' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(response)).toEqual(['headers.x-sluice-account', 'headers.x-sluice-actor']);
  });

  it('refuses a request that names no caller, instead of taking it for account default', async () => {
    const refused = await running.service.graphql(CREATE, { pipeline: sourceBuildDeployPipeline('defaults') });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(refused)).toEqual(['headers.x-sluice-account']);
    expect(await running.store.readStream(pipelineStreamId('default', 'defaults'))).toEqual([]);
  });

  it('answers GraphQL errors of the request itself with their own codes', async () => {
    expect(errorCodes(await gql('{ getPipeline(name: 1) { name } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodes(await gql('{ nonsense'))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(errorCodes(await gql('query($v: Int) { getPipeline(name: "x", version: $v) { name } }', { v: 'seven' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('AWS CodePipeline', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../../../libs/domain/src/aws/fixtures', name), 'utf8'));

  it('previews an import without storing anything', async () => {
    const input = fixture('v2-connection-parallel-approval-ecs.json');
    const preview = await gql('mutation($input: JSON!) { importAwsPipeline(input: $input) { pipeline report created { name } } }', { input }, 'aws-preview');
    expect(preview.errors).toBeUndefined();
    expect(preview.data!.importAwsPipeline.created).toBeNull();
    expect(preview.data!.importAwsPipeline.report.actions.length).toBeGreaterThan(0);
    expect(errorCodes(await gql(GET, { name: input.pipeline.name }, 'aws-preview'))).toEqual(['NOT_FOUND']);
    expect((await gql('{ listActionTypes(owner: Custom) { id { provider } } }', {}, 'aws-preview')).data!.listActionTypes).toEqual([]);
  });

  it.each([
    ['v1-codecommit-codebuild-s3.json', 'aws-v1-a'],
    ['v1-github-cloudformation-lambda.json', 'aws-v1-b'],
    ['v2-connection-parallel-approval-ecs.json', 'aws'],
    ['v2-stage-conditions.json', 'aws-v2-b'],
  ])('imports %s with create: true, registering the custom action types it needs; getPipeline returns it', async (file, account) => {
    const input = fixture(file);
    const imported = await gql('mutation($input: JSON!) { importAwsPipeline(input: $input, create: true) { pipeline report created { name metadata { version } } } }', { input }, account);
    expect(imported.errors).toBeUndefined();
    expect(imported.data!.importAwsPipeline.created).toEqual({ name: input.pipeline.name, metadata: { version: 1 } });
    const read = (await gql(GET, { name: input.pipeline.name }, account)).data!.getPipeline;
    expect(read.pipeline).toEqual({ ...imported.data!.importAwsPipeline.pipeline, version: 1 });
    const custom = imported.data!.importAwsPipeline.report.requiredCustomActionTypes as Array<{ id: { provider: string } }>;
    const listed = (await gql('{ listActionTypes(owner: Custom) { id { provider } } }', {}, account)).data!.listActionTypes;
    expect(listed.map((t: { id: { provider: string } }) => t.id.provider).sort()).toEqual(custom.map((t) => t.id.provider).sort());

    const exported = await gql(`{ exportAwsPipeline(name: "${input.pipeline.name}") }`, {}, account);
    expect(exported.errors).toBeUndefined();
    expect(exported.data!.exportAwsPipeline.pipeline.name).toBe(input.pipeline.name);
    expect(exported.data!.exportAwsPipeline.pipeline.stages.map((s: { name: string }) => s.name)).toEqual(input.pipeline.stages.map((s: { name: string }) => s.name));
  });

  it('refuses input that is not get-pipeline output with BAD_USER_INPUT', async () => {
    const response = await gql('mutation($input: JSON!) { importAwsPipeline(input: $input) { pipeline } }', { input: { nope: true } }, 'aws');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('projection rebuild', () => {
  it('answers the same after a restart that rebuilds every read model by replay', async () => {
    const queries: Array<[string, string, Record<string, unknown>]> = [
      ['acme', `{ listPipelines(first: 100) { edges { cursor node { ${PIPELINE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`, {}],
      ['acme', '{ listPipelineVersions(name: "svc") { version created createdBy pipeline } }', {}],
      ['acme', '{ listPipelineVersions(name: "doomed") { version created createdBy pipeline } }', {}],
      ['acme', GET, { name: 'evolving', version: 1 }],
      ['acme', GET, { name: 'gated' }],
      ['custom', '{ listActionTypes { id { category owner provider version } actionConfigurationProperties tags { key } } }', {}],
      ['aws', '{ listActionTypes(owner: Custom) { id { provider } } }', {}],
      ['paging', '{ listPipelines(first: 2) { edges { cursor node { name } } pageInfo { endCursor } } }', {}],
    ];
    const answer = () => Promise.all(queries.map(([account, query, variables]) => gql(query, variables, account)));
    const before = await answer();
    for (const response of before) expect(response.errors).toBeUndefined();
    await running.service.stop();
    running.service = await startPipelinesService(schema);
    expect(await answer()).toEqual(before);
  });
});
