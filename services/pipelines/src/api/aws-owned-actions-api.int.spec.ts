import { pipelineStreamId } from '@sluice/contracts';
import { startPipelinesService } from '../testing/pipelines-service-process';
import { newTestSchema } from '../testing/test-schema';
import { codeBuildAction, codeCommitSourceAction, stage, type FixtureActionTypeId } from '@sluice/testing/fixtures';
import { serviceOnStoreForFile } from '@sluice/graphql-service/testing';

// A definition with AWS-owned action types through the pipelines subgraph on the real PostgreSQL event store.
const schema = newTestSchema();
const running = serviceOnStoreForFile(schema, startPipelinesService);

const gql = (query: string, variables: Record<string, unknown> = {}) =>
  running.service.graphql(query, variables, { 'x-sluice-account': 'acme', 'x-sluice-actor': 'alice' });

const CREATE = `mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { pipeline metadata { version } } }`;
const UPDATE = `mutation($pipeline: JSON!) { updatePipeline(pipeline: $pipeline) { pipeline metadata { version } } }`;
const GET = `query($name: String!, $version: Int) { getPipeline(name: $name, version: $version) { pipeline } }`;

function awsDefinition(name: string, deploy?: FixtureActionTypeId) {
  return {
    name,
    stages: [
      stage('Source', codeCommitSourceAction({ configuration: { PollForSourceChanges: 'false' }, region: 'eu-west-1' })),
      stage('Build', codeBuildAction({ actionTypeId: deploy, roleArn: 'arn:aws:iam::123456789012:role/build' })),
    ],
    pipelineType: 'V2',
  };
}

describe('AWS-owned action types on createPipeline / updatePipeline', () => {
  it('returns the definition as given and stores the mapped one for the engine', async () => {
    const given = awsDefinition('aws-shop');
    const created = await gql(CREATE, { pipeline: given });
    expect(created.errors).toBeUndefined();
    const read = await gql(GET, { name: 'aws-shop' });
    expect(JSON.stringify(read.data!.getPipeline.pipeline)).toBe(JSON.stringify({ ...given, version: 1 }));

    const [event] = await running.store.readStream(pipelineStreamId('acme', 'aws-shop'));
    const data = event!.data as { declaration: { stages: Array<{ actions: Array<Record<string, unknown>> }> }; givenDeclaration: unknown };
    expect(data.givenDeclaration).toEqual({ ...given, version: 1 });
    expect(data.declaration.stages[0]!.actions[0]).toMatchObject({
      actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
      configuration: { RepositoryUrl: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop', BranchName: 'main' },
    });
    expect(data.declaration.stages[1]!.actions[0]).toMatchObject({
      actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
      commands: ['echo built'],
    });
    expect(data.declaration.stages[1]!.actions[0]).not.toHaveProperty('roleArn');
  });

  it('updates from the definition as read, keeping each version as given', async () => {
    const v1 = (await gql(CREATE, { pipeline: awsDefinition('aws-updated') })).data!.createPipeline.pipeline;
    const changed = { ...v1, executionMode: 'QUEUED' };
    const updated = await gql(UPDATE, { pipeline: changed });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updatePipeline).toEqual({ pipeline: { ...changed, version: 2 }, metadata: { version: 2 } });
    expect((await gql(GET, { name: 'aws-updated', version: 1 })).data!.getPipeline.pipeline).toEqual(v1);
  });

  it('refuses an AWS-owned type with no Sluice mapping at its actionTypeId', async () => {
    const refused = await gql(CREATE, { pipeline: awsDefinition('aws-cfn', { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const issues = refused.errors![0]!.extensions!.issues as Array<{ path: string; message: string }>;
    expect(issues.map((issue) => issue.path)).toEqual(['$.stages[1].actions[0].actionTypeId']);
    expect(issues[0]!.message).toContain('Build/AWS/CodeBuild');
    expect(await running.store.readStream(pipelineStreamId('acme', 'aws-cfn'))).toEqual([]);
  });
});
