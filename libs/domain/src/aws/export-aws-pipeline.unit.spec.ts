import type { ActionDeclaration, PipelineDeclaration } from '../pipeline-definition/pipeline-declaration';
import { diffPipelineDeclarations } from '../diff/diff-pipeline-declarations';
import { AWS_FIXTURES, awsFixture } from './fixtures/aws-fixtures';
import { exportAwsPipeline } from './export-aws-pipeline';
import { importAwsPipeline } from './import-aws-pipeline';
import { gitSourceStage } from '@sluice/testing/fixtures';

function sluicePipeline(actions: ActionDeclaration[]): PipelineDeclaration {
  const source = gitSourceStage({ repositoryUrl: 'https://gitlab.com/acme/shop.git', output: 'Code', configuration: { OutputArtifactFormat: 'GIT_CLONE' } });
  return { name: 'exported', pipelineType: 'V2', stages: [source, { name: 'Work', actions }] };
}

function exportedAction(action: ActionDeclaration) {
  const { pipeline, report } = exportAwsPipeline(sluicePipeline([action]));
  return { action: pipeline.stages[1].actions[0], source: pipeline.stages[0].actions[0], report };
}

describe('exportAwsPipeline', () => {
  it.each(AWS_FIXTURES)('%s survives import → export → import unchanged', (name) => {
    const imported = importAwsPipeline(awsFixture(name));
    const exported = exportAwsPipeline(imported.pipeline);
    const reimported = importAwsPipeline({ pipeline: exported.pipeline });
    expect(diffPipelineDeclarations(imported.pipeline, reimported.pipeline)).toEqual([]);
    expect(reimported.pipeline).toEqual(imported.pipeline);
    expect(reimported.report.requiredCustomActionTypes).toEqual(imported.report.requiredCustomActionTypes);
  });

  it('gives AWS back its own providers for what the import made custom', () => {
    const { pipeline, report } = exportAwsPipeline(importAwsPipeline(awsFixture('v2-connection-parallel-approval-ecs')).pipeline);
    expect(pipeline.stages[3].actions[0].actionTypeId).toEqual({ category: 'Deploy', owner: 'AWS', provider: 'ECS', version: '1' });
    expect(report.actions.map((action) => action.status)).toEqual(['mapped', 'mapped', 'mapped', 'kept', 'mapped']);
    expect(pipeline.stages[1].actions[1].configuration).toEqual({
      ProjectName: 'orders-build-image',
      EnvironmentVariables: JSON.stringify([
        { name: 'IMAGE_TAG', value: '#{SourceVariables.CommitId}', type: 'PLAINTEXT' },
        { name: 'STAGE', value: '#{variables.DeployEnvironment}', type: 'PLAINTEXT' },
      ]),
    });
  });

  it('turns a git URL into a CodeStar connection with a placeholder ARN, and warns', () => {
    const { source, report } = exportedAction({
      name: 'Unit',
      actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' },
      commands: ['npm test'],
      inputArtifacts: [{ name: 'Code' }],
    });
    expect(source.actionTypeId).toEqual({ category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' });
    expect(source.configuration).toEqual({
      ConnectionArn: 'arn:aws:codeconnections:us-east-1:000000000000:connection/replace-with-your-connection-id',
      FullRepositoryId: 'acme/shop',
      BranchName: 'main',
      OutputArtifactFormat: 'CODEBUILD_CLONE_REF',
    });
    expect(report.warnings.filter((warning) => warning.startsWith('$.stages[0].actions[0]'))).toHaveLength(2);
  });

  it('reports PollForSourceChanges as dropped: AWS detects changes of a connection with events', () => {
    const pipeline = sluicePipeline([{ name: 'Unit', actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' }, commands: ['npm test'], inputArtifacts: [{ name: 'Code' }] }]);
    pipeline.stages[0].actions[0].configuration = { ...pipeline.stages[0].actions[0].configuration, PollForSourceChanges: 'false' };
    const { pipeline: exported, report } = exportAwsPipeline(pipeline);
    expect(exported.stages[0].actions[0].configuration).not.toHaveProperty('PollForSourceChanges');
    expect(report.changes).toContainEqual(expect.objectContaining({ path: '$.stages[0].actions[0].configuration.PollForSourceChanges', kind: 'dropped', before: 'false' }));
  });

  it("exports commands as CodePipeline's Commands action in the Compute category", () => {
    const { action, report } = exportedAction({
      name: 'Unit',
      actionTypeId: { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' },
      commands: ['npm ci', 'npm test'],
      outputVariables: ['COVERAGE'],
      inputArtifacts: [{ name: 'Code' }],
    });
    expect(action).toEqual({
      name: 'Unit',
      actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
      commands: ['npm ci', 'npm test'],
      outputVariables: ['COVERAGE'],
      inputArtifacts: [{ name: 'Code' }],
    });
    expect(report.changes.find((change) => change.path === '$.stages[1].actions[0].actionTypeId')).toMatchObject({ kind: 'changed' });
  });

  it('reads newline-separated Commands configuration and warns when there is no input artifact', () => {
    const { action, report } = exportedAction({
      name: 'Script',
      actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Commands', version: '1' },
      configuration: { Commands: './deploy.sh\n\n./notify.sh' },
    });
    expect(action.commands).toEqual(['./deploy.sh', './notify.sh']);
    expect(action.configuration).toBeUndefined();
    expect(report.warnings.some((warning) => warning.includes('needs at least one input artifact'))).toBe(true);
  });

  it('exports Upload, a non-S3 directory and a real HTTP endpoint as custom types, with warnings', () => {
    const cases: Array<[ActionDeclaration, string]> = [
      [{ name: 'Copy', actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' }, configuration: { Path: '/srv/www' }, inputArtifacts: [{ name: 'Code' }] }, 'Directory'],
      [{ name: 'Hook', actionTypeId: { category: 'Invoke', owner: 'Sluice', provider: 'Http', version: '1' }, configuration: { Url: 'https://hooks.example.com/deploy' } }, 'Http'],
    ];
    for (const [input, provider] of cases) {
      const { action, report } = exportedAction(input);
      expect(action.actionTypeId).toEqual({ ...input.actionTypeId, owner: 'Custom' });
      expect(action.configuration).toEqual(input.configuration);
      expect(report.actions[1]).toMatchObject({ status: 'custom' });
      expect(report.warnings.some((warning) => warning.includes(`Sluice's ${input.actionTypeId.category}/Sluice/${provider}/1`))).toBe(true);
    }
    const upload = exportAwsPipeline({
      name: 'uploads',
      stages: [
        { name: 'Source', actions: [{ name: 'Drop', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Upload', version: '1' }, configuration: { ObjectKey: 'app.zip' }, outputArtifacts: [{ name: 'App' }] }] },
        { name: 'Wait', actions: [{ name: 'Ok', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
      ],
    });
    expect(upload.pipeline.stages[0].actions[0].actionTypeId).toEqual({ category: 'Source', owner: 'Custom', provider: 'Upload', version: '1' });
  });

  it('fills the role and artifact store AWS requires with placeholders, and says so', () => {
    const { pipeline, report } = exportAwsPipeline(sluicePipeline([]));
    expect(pipeline.roleArn).toBe('arn:aws:iam::000000000000:role/replace-with-your-codepipeline-service-role');
    expect(pipeline.artifactStore).toEqual({ type: 'S3', location: 'replace-with-your-codepipeline-artifact-bucket' });
    expect(report.changes.filter((change) => change.kind === 'added').map((change) => change.path)).toEqual(
      expect.arrayContaining(['$.roleArn', '$.artifactStore']),
    );
    expect(report.warnings.filter((warning) => warning.includes('placeholder'))).toHaveLength(3);
  });

  it('warns that a custom type of no AWS provider must be created in AWS too', () => {
    const { action, report } = exportedAction({
      name: 'Scan',
      actionTypeId: { category: 'Test', owner: 'Custom', provider: 'Snyk', version: '2' },
      configuration: { Project: 'shop' },
    });
    expect(action.actionTypeId).toEqual({ category: 'Test', owner: 'Custom', provider: 'Snyk', version: '2' });
    expect(report.warnings.some((warning) => warning.includes('Test/Custom/Snyk/2 must also be created in AWS'))).toBe(true);
  });

  it('exports no credentials written into a URL, and says where they were', () => {
    const declaration = sluicePipeline([
      { name: 'Hook', actionTypeId: { category: 'Invoke', owner: 'Sluice', provider: 'Http', version: '1' }, configuration: { Url: 'https://hook:h00k-pw@hooks.example.com/deploy' } },
    ]);
    declaration.stages[0].actions[0].configuration!.RepositoryUrl = 'https://bot:s3cr3t-canary@gitlab.com/acme/shop.git';
    const { pipeline, report } = exportAwsPipeline(declaration);
    expect(JSON.stringify({ pipeline, report })).not.toMatch(/s3cr3t-canary|h00k-pw/);
    // AWS names the repository (a connection's FullRepositoryId): the URL is dropped, and reported redacted.
    expect(pipeline.stages[0].actions[0].configuration?.FullRepositoryId).toBe('acme/shop');
    expect(report.changes).toContainEqual(expect.objectContaining({ kind: 'dropped', path: '$.stages[0].actions[0].configuration.RepositoryUrl', before: 'https://***@gitlab.com/acme/shop.git' }));
    expect(report.warnings).toContainEqual(expect.stringContaining('create a connection to gitlab.com in AWS'));
    expect(pipeline.stages[1].actions[0].configuration?.Url).toBe('https://***@hooks.example.com/deploy');
    expect(report.warnings.filter((warning) => warning.includes('credentials in the URL were not exported'))).toEqual([
      expect.stringContaining('$.stages[0].actions[0].configuration.RepositoryUrl'),
      expect.stringContaining('$.stages[1].actions[0].configuration.Url'),
    ]);
  });

  it('loses only the Test category of commands imported from a buildspec (AWS puts commands in Compute)', () => {
    const options = { codeBuildProjects: { 'orders-unit-tests': { buildspec: 'phases:\n  build:\n    commands: [npm test]\n' } } };
    const imported = importAwsPipeline(awsFixture('v2-connection-parallel-approval-ecs'), options);
    const reimported = importAwsPipeline(exportAwsPipeline(imported.pipeline).pipeline, options);
    expect(diffPipelineDeclarations(imported.pipeline, reimported.pipeline)).toEqual([
      { path: '$.stages[Build].actions[UnitTests].actionTypeId.category', kind: 'changed', before: 'Test', after: 'Build' },
    ]);
  });
});
