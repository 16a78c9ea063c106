import { ActionTypeRegistry } from '../action-types/action-type-registry';
import { validateCustomActionType } from '../action-types/validate-custom-action-type';
import { validatePipelineDeclaration } from '../pipeline-definition/validate-pipeline';
import { ValidationError } from '../validation/validation-error';
import { AWS_FIXTURES, awsFixture } from './fixtures/aws-fixtures';
import { importAwsPipeline } from './import-aws-pipeline';
import type { FieldChange, ImportReport } from './mapping-report';

function change(report: ImportReport, path: string): FieldChange | undefined {
  return report.changes.find((candidate) => candidate.path === path);
}

function warningsAbout(report: ImportReport, fragment: string): string[] {
  return report.warnings.filter((warning) => warning.includes(fragment));
}

describe('importAwsPipeline', () => {
  describe('every fixture', () => {
    it.each(AWS_FIXTURES)('%s imports into a pipeline Sluice accepts', (name) => {
      const { pipeline, report } = importAwsPipeline(awsFixture(name));
      const registry = ActionTypeRegistry.builtIn().withCustom(report.requiredCustomActionTypes);
      expect(validatePipelineDeclaration(pipeline, registry)).toEqual({ valid: true, pipeline });
    });

    it.each(AWS_FIXTURES)('%s needs only custom action types that createCustomActionType accepts', (name) => {
      for (const type of importAwsPipeline(awsFixture(name)).report.requiredCustomActionTypes) {
        const input = {
          category: type.id.category,
          provider: type.id.provider,
          version: type.id.version,
          configurationProperties: type.actionConfigurationProperties,
          inputArtifactDetails: type.inputArtifactDetails,
          outputArtifactDetails: type.outputArtifactDetails,
        };
        expect(validateCustomActionType(input)).toMatchObject({ valid: true });
      }
    });

    it.each(AWS_FIXTURES)('%s is refused by Sluice validation without the custom action types it reports', (name) => {
      const { pipeline, report } = importAwsPipeline(awsFixture(name));
      const validation = validatePipelineDeclaration(pipeline, ActionTypeRegistry.builtIn());
      expect(validation.valid).toBe(report.requiredCustomActionTypes.length === 0);
    });
  });

  describe('a V1 CodeCommit → CodeBuild → S3 pipeline', () => {
    const { pipeline, report } = importAwsPipeline(awsFixture('v1-codecommit-codebuild-s3'));
    const [source, build, deploy] = pipeline.stages.map((stage) => stage.actions[0]);

    it('maps every action and says to what', () => {
      expect(report.actions.map(({ path, from, to, status }) => [path, from.provider, `${to.category}/${to.owner}/${to.provider}/${to.version}`, status])).toEqual([
        ['$.stages[0].actions[0]', 'CodeCommit', 'Source/Sluice/Git/1', 'mapped'],
        ['$.stages[1].actions[0]', 'CodeBuild', 'Build/Sluice/Commands/1', 'mapped'],
        ['$.stages[2].actions[0]', 'S3', 'Deploy/Sluice/S3/1', 'mapped'],
      ]);
      expect(report.actions[0]).toMatchObject({ stage: 'Source', action: 'Source' });
    });

    it('clones the CodeCommit repository over HTTPS in its region', () => {
      expect(source.configuration).toEqual({
        RepositoryUrl: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/website',
        BranchName: 'main',
        OutputArtifactFormat: 'CODE_ZIP',
      });
      expect(change(report, '$.stages[0].actions[0].configuration.RepositoryName')).toMatchObject({ kind: 'dropped', before: 'website' });
      expect(change(report, '$.stages[0].actions[0].configuration.PollForSourceChanges')).toMatchObject({ kind: 'dropped', before: 'false' });
      expect(source.namespace).toBe('SourceVariables');
    });

    it('keeps a failing placeholder for a CodeBuild project without a buildspec, and its plain variables', () => {
      expect(build.commands).toEqual(['echo "CodeBuild project website-build was not imported: add its commands" && exit 1']);
      expect(warningsAbout(report, 'CodeBuild project "website-build" was not imported')).toHaveLength(1);
      expect(build.environmentVariables).toEqual([{ name: 'COMMIT', value: '#{SourceVariables.CommitId}', type: 'PLAINTEXT' }]);
      expect(warningsAbout(report, 'NPM_TOKEN (PARAMETER_STORE)')).toHaveLength(1);
      expect(build.configuration).toBeUndefined();
    });

    it("deploys to the bucket on Sluice's S3-compatible store, dropping what it cannot set", () => {
      expect(deploy.actionTypeId).toEqual({ category: 'Deploy', owner: 'Sluice', provider: 'S3', version: '1' });
      expect(deploy.configuration).toEqual({ BucketName: 'www.example.com', Extract: 'true' });
      expect(change(report, '$.stages[2].actions[0].configuration.CacheControl')).toMatchObject({ kind: 'dropped', before: 'max-age=300' });
      expect(report.actions[2]!.notes.join(' ')).toContain('SLUICE_S3_ENDPOINT');
    });

    it('warns where a variable of a replaced provider is referenced', () => {
      expect(warningsAbout(report, '$.stages[1].actions[0].environmentVariables[0].value: #{SourceVariables.CommitId}')).toHaveLength(1);
    });

    it('keeps the pipeline type, role and mode, and reports what it dropped at pipeline level', () => {
      expect(pipeline).toMatchObject({ name: 'website-release', pipelineType: 'V1', executionMode: 'SUPERSEDED' });
      expect(pipeline.roleArn).toContain(':role/service-role/');
      expect(pipeline.artifactStore).toBeUndefined();
      expect(pipeline.version).toBeUndefined();
      for (const path of ['$.artifactStore', '$.version', '$.metadata']) expect(change(report, path)).toMatchObject({ kind: 'dropped' });
      for (const path of ['$.stages[0].actions[0].region', '$.stages[1].actions[0].region', '$.stages[2].actions[0].region']) {
        expect(change(report, path)).toMatchObject({ kind: 'dropped', before: 'eu-west-1' });
      }
    });

    it('reports the action type change of each mapped action by path', () => {
      expect(change(report, '$.stages[1].actions[0].actionTypeId')).toMatchObject({
        kind: 'changed',
        before: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
        after: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
      });
    });
  });

  describe('a CodeBuild project whose buildspec is given', () => {
    const buildspec = [
      'version: 0.2',
      'env:',
      '  variables: { COMMIT: from-buildspec, NODE_ENV: production }',
      '  exported-variables: [ARTIFACT_VERSION]',
      'phases:',
      '  install: { runtime-versions: { nodejs: 20 }, commands: [npm ci] }',
      '  build: { commands: [npm run build, "export ARTIFACT_VERSION=$(node -p \\"require(\'./package.json\').version\\")"] }',
      'artifacts: { files: ["dist/**/*"] }',
    ].join('\n');
    const { pipeline, report } = importAwsPipeline(awsFixture('v1-codecommit-codebuild-s3'), {
      codeBuildProjects: { 'website-build': { buildspec, environmentVariables: [{ name: 'NODE_ENV', value: 'staging' }] } },
    });
    const build = pipeline.stages[1].actions[0];

    it('carries its commands, in phase order', () => {
      expect(build.commands).toEqual(['npm ci', 'npm run build', 'export ARTIFACT_VERSION=$(node -p "require(\'./package.json\').version")']);
      expect(warningsAbout(report, 'was not imported')).toEqual([]);
    });

    it('merges variables as CodeBuild does: the action over the project over the buildspec', () => {
      expect(build.environmentVariables).toEqual([
        { name: 'COMMIT', value: '#{SourceVariables.CommitId}', type: 'PLAINTEXT' },
        { name: 'NODE_ENV', value: 'staging', type: 'PLAINTEXT' },
      ]);
    });

    it('turns exported variables and artifact files into the action\'s outputs', () => {
      expect(build.outputVariables).toEqual(['ARTIFACT_VERSION']);
      expect(build.outputArtifacts).toEqual([{ name: 'BuildArtifact', files: ['dist/**/*'] }]);
      expect(change(report, '$.stages[1].actions[0].outputArtifacts[0].files')).toMatchObject({ kind: 'added', after: ['dist/**/*'] });
    });

    it('says which buildspec settings it ignored', () => {
      expect(warningsAbout(report, 'ignored: phases.install.runtime-versions')).toHaveLength(1);
    });

    it('accepts an inline BuildSpec configuration key as well', () => {
      const input = awsFixture('v1-codecommit-codebuild-s3');
      const result = importAwsPipeline(input, {});
      expect(result.pipeline.stages[1].actions[0].commands?.[0]).toMatch(/^echo/);
      const inline = JSON.parse(JSON.stringify(input).replace('"ProjectName":"website-build"', `"ProjectName":"website-build","BuildSpec":${JSON.stringify(buildspec)}`));
      const withInline = importAwsPipeline(inline);
      expect(withInline.pipeline.stages[1].actions[0].commands).toEqual(build.commands);
      expect(change(withInline.report, '$.stages[1].actions[0].configuration.BuildSpec')).toMatchObject({ kind: 'dropped' });
    });
  });

  describe('a V2 CodeStarSourceConnection pipeline with parallel builds, approval and ECS', () => {
    const input = awsFixture('v2-connection-parallel-approval-ecs');
    const { pipeline, report } = importAwsPipeline(input);
    const awsPipeline = input.pipeline as Record<string, unknown>;

    it('keeps variables, triggers (with their source action name), mode and type as they were', () => {
      expect(pipeline.variables).toEqual(awsPipeline.variables);
      expect(pipeline.triggers).toEqual(awsPipeline.triggers);
      expect(pipeline.triggers?.[0].gitConfiguration.sourceActionName).toBe(pipeline.stages[0].actions[0].name);
      expect(pipeline).toMatchObject({ executionMode: 'QUEUED', pipelineType: 'V2' });
    });

    it('derives a GitHub URL from the connection and keeps DetectChanges', () => {
      expect(pipeline.stages[0].actions[0].configuration).toEqual({
        RepositoryUrl: 'https://github.com/acme/orders-service.git',
        BranchName: 'main',
        OutputArtifactFormat: 'GIT_CLONE',
        DetectChanges: 'false',
      });
      expect(change(report, '$.stages[0].actions[0].configuration.OutputArtifactFormat')).toMatchObject({
        kind: 'changed',
        before: 'CODEBUILD_CLONE_REF',
        after: 'GIT_CLONE',
      });
      expect(change(report, '$.stages[0].actions[0].configuration.ConnectionArn')).toMatchObject({ kind: 'dropped' });
      expect(warningsAbout(report, 'assumed to be to GitHub')).toHaveLength(1);
    });

    it('keeps the parallel test and build in the same run order, each in its category', () => {
      const [tests, image] = pipeline.stages[1].actions;
      expect([tests.actionTypeId.category, tests.runOrder, image.actionTypeId.category, image.runOrder]).toEqual(['Test', 1, 'Build', 1]);
    });

    it('keeps the manual approval unchanged', () => {
      const approval = pipeline.stages[2].actions[0];
      expect(report.actions[3]).toMatchObject({ status: 'kept', from: approval.actionTypeId, to: approval.actionTypeId });
      expect(approval.timeoutInMinutes).toBe(1440);
      expect(approval.configuration?.NotificationArn).toBe('arn:aws:sns:us-east-1:444455556666:orders-approvals');
    });

    it('turns ECS into a custom action type it asks to register, with properties from the configuration', () => {
      const ecs = pipeline.stages[3].actions[0];
      expect(ecs.actionTypeId).toEqual({ category: 'Deploy', owner: 'Custom', provider: 'ECS', version: '1' });
      expect(ecs.configuration?.ClusterName).toBe('orders-#{variables.DeployEnvironment}');
      expect(report.requiredCustomActionTypes).toHaveLength(1);
      expect(report.requiredCustomActionTypes[0].actionConfigurationProperties.map((p) => [p.name, p.required, p.secret])).toEqual([
        ['ClusterName', true, false],
        ['DeploymentTimeout', true, false],
        ['FileName', true, false],
        ['ServiceName', true, false],
      ]);
      expect(change(report, '$.stages[3].actions[0].roleArn')).toMatchObject({ kind: 'dropped' });
      expect(warningsAbout(report, 'it became the custom action type Deploy/Custom/ECS/1')).toHaveLength(1);
    });

    it('lists each reference to a variable whose provider changed, but not pipeline variables', () => {
      const references = report.warnings.filter((warning) => warning.includes('was an output variable of'));
      expect(references.map((warning) => warning.split(' was ')[0])).toEqual([
        '$.stages[1].actions[1].environmentVariables[0].value: #{SourceVariables.CommitId}',
        '$.stages[2].actions[0].configuration.CustomData: #{SourceVariables.CommitId}',
        '$.stages[2].actions[0].configuration.CustomData: #{SourceVariables.CommitMessage}',
        '$.stages[2].actions[0].configuration.CustomData: #{BuildVariables.IMAGE_URI}',
        '$.stages[2].actions[0].configuration.ExternalEntityLink: #{SourceVariables.CommitId}',
      ]);
    });
  });

  describe('a V1 GitHub (v1) + CloudFormation + Lambda pipeline', () => {
    const { pipeline, report } = importAwsPipeline(awsFixture('v1-github-cloudformation-lambda'));

    it('drops the OAuth token with a warning and renames Branch', () => {
      expect(pipeline.stages[0].actions[0].configuration).toEqual({
        RepositoryUrl: 'https://github.com/acme/serverless-api.git',
        BranchName: 'master',
      });
      expect(change(report, '$.stages[0].actions[0].configuration.OAuthToken')).toMatchObject({ kind: 'dropped', before: '****' });
      expect(warningsAbout(report, 'OAuth token was not imported')).toHaveLength(1);
    });

    it('registers one CloudFormation type for both uses; a property is required only when every use sets it', () => {
      const [cloudFormation] = report.requiredCustomActionTypes;
      expect(report.requiredCustomActionTypes).toHaveLength(1);
      const required = cloudFormation.actionConfigurationProperties.filter((p) => p.required).map((p) => p.name);
      expect(required).toEqual(['ActionMode', 'ChangeSetName', 'StackName']);
      expect(cloudFormation.actionConfigurationProperties).toHaveLength(7);
    });

    it('calls the Lambda function through an HTTP placeholder the user must replace', () => {
      const invoke = pipeline.stages[2].actions[0];
      expect(invoke.actionTypeId).toEqual({ category: 'Invoke', owner: 'Sluice', provider: 'Http', version: '1' });
      expect(invoke.configuration).toEqual({
        Url: 'https://lambda.invalid/functions/serverless-api-smoke-test',
        Method: 'POST',
        Body: '{"endpoint":"#{StackOutputs.ApiEndpoint}","commit":"#{SourceVariables.CommitId}"}',
      });
      expect(warningsAbout(report, 'replace Url with an endpoint')).toHaveLength(1);
    });

    it('warns about GitHub variables but not about the custom CloudFormation namespace', () => {
      expect(warningsAbout(report, '#{SourceVariables.CommitUrl}')).toHaveLength(1);
      expect(warningsAbout(report, '#{SourceVariables.CommitId}')).toHaveLength(1);
      expect(warningsAbout(report, '#{StackOutputs.ApiEndpoint}')).toEqual([]);
    });

    it('mentions when AWS disabled polling', () => {
      expect(change(report, '$.metadata')?.reason).toContain('2021-06-30T12:00:00+00:00');
    });
  });

  describe('a V2 pipeline with stage conditions', () => {
    const { pipeline, report } = importAwsPipeline(awsFixture('v2-stage-conditions'));
    const [, build, production] = pipeline.stages;

    it('keeps retry, entry and success conditions, without the rules\' regions and roles', () => {
      expect(build.onFailure).toEqual({ result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } });
      expect(production.onFailure).toEqual({ result: 'ROLLBACK' });
      expect(production.beforeEntry?.conditions[0].rules?.[0]).toEqual({
        name: 'BusinessHours',
        ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
        configuration: { Cron: '* 9-16 ? * MON-THU *', TimeZone: 'Europe/Berlin' },
        inputArtifacts: [],
      });
      expect(change(report, '$.stages[2].beforeEntry.conditions[0].rules[0].region')).toMatchObject({ kind: 'dropped' });
      expect(change(report, '$.stages[2].onSuccess.conditions[0].rules[0].roleArn')).toMatchObject({ kind: 'dropped' });
    });

    it("maps CodePipeline's Commands action (Compute) to Sluice's Build commands", () => {
      expect(build.actions[1]).toMatchObject({
        actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
        commands: ['npm ci', 'npm run lint'],
      });
    });

    it('drops the per-region artifact stores and keeps the S3 deploy of one zip with its object key', () => {
      expect(change(report, '$.artifactStores')).toMatchObject({ kind: 'dropped' });
      expect(production.actions[0].configuration).toEqual({ BucketName: 'payments-releases', Extract: 'false', ObjectKey: 'payments-#{Src.CommitId}.zip' });
      expect(warningsAbout(report, 'configuration.ObjectKey: #{Src.CommitId} was an output variable of AWS CodeCommit')).toHaveLength(1);
      expect(warningsAbout(report, '#{Pkg.VERSION}')).toHaveLength(1);
    });

    it('turns Step Functions into a custom Invoke type', () => {
      expect(production.actions[1].actionTypeId).toEqual({ category: 'Invoke', owner: 'Custom', provider: 'StepFunctions', version: '1' });
      expect(report.requiredCustomActionTypes.map((type) => type.id.provider)).toEqual(['StepFunctions']);
    });
  });

  describe('input forms', () => {
    it('accepts the bare pipeline object the same way, without a metadata entry', () => {
      const wrapped = importAwsPipeline(awsFixture('v2-stage-conditions'));
      const bare = importAwsPipeline(awsFixture('v2-stage-conditions').pipeline);
      expect(bare.pipeline).toEqual(wrapped.pipeline);
      expect(bare.report.changes).toEqual(wrapped.report.changes.filter((entry) => entry.path !== '$.metadata'));
    });

    it('uses the region option when neither the action nor an ARN names one', () => {
      const pipeline = awsFixture('v1-codecommit-codebuild-s3').pipeline as { stages: Array<{ actions: Array<Record<string, unknown>> }> };
      delete pipeline.stages[0].actions[0].region;
      expect(importAwsPipeline(pipeline, { region: 'ap-south-1' }).pipeline.stages[0].actions[0].configuration?.RepositoryUrl).toBe(
        'https://git-codecommit.ap-south-1.amazonaws.com/v1/repos/website',
      );
      const guessed = importAwsPipeline(pipeline);
      expect(guessed.report.warnings.some((warning) => warning.includes('assumes us-east-1'))).toBe(true);
    });

    it('reports fields CodePipeline does not define as dropped, by their path in the declaration', () => {
      const input = awsFixture('v1-codecommit-codebuild-s3');
      (input.pipeline as Record<string, unknown>).displayName = 'Website';
      const { report } = importAwsPipeline(input);
      expect(change(report, '$.displayName')).toMatchObject({ kind: 'dropped', before: 'Website' });
    });

    it('makes masked secrets of custom actions secret, optional properties', () => {
      const input = awsFixture('v2-connection-parallel-approval-ecs');
      const text = JSON.stringify(input).replace('"ServiceName":"orders-api"', '"ServiceName":"orders-api","ApiKey":"****"');
      const { pipeline, report } = importAwsPipeline(JSON.parse(text));
      expect(pipeline.stages[3].actions[0].configuration?.ApiKey).toBeUndefined();
      expect(report.requiredCustomActionTypes[0].actionConfigurationProperties.find((p) => p.name === 'ApiKey')).toMatchObject({
        required: false,
        secret: true,
      });
      expect(warningsAbout(report, 'the secret "ApiKey" was not imported')).toHaveLength(1);
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, unknown, string[]]> = [
      ['a string', 'pipeline', ['$']],
      ['null', null, ['$']],
      ['an array', [], ['$']],
      ['a pipeline that is not an object', { pipeline: 42 }, ['$.pipeline']],
      ['no stages', { pipeline: { name: 'p' } }, ['$.pipeline.stages']],
      ['empty stages', { name: 'p', stages: [] }, ['$.stages']],
      [
        'an action without a type id and a numeric configuration value',
        {
          pipeline: {
            name: 'p',
            stages: [
              { name: 'S', actions: [{ name: 'A' }] },
              { name: 'B', actions: [{ name: 'C', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: 1 }, configuration: { ProjectName: 7 } }] },
            ],
          },
        },
        [
          '$.pipeline.stages[0].actions[0].actionTypeId',
          '$.pipeline.stages[1].actions[0].actionTypeId.version',
          '$.pipeline.stages[1].actions[0].configuration.ProjectName',
        ],
      ],
      ['a stage without a name or actions', { name: 'p', stages: [{}] }, ['$.stages[0].name', '$.stages[0].actions']],
    ];

    it.each(cases)('refuses %s with a ValidationError naming every path', (_name, input, paths) => {
      let caught: unknown;
      try {
        importAwsPipeline(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).issues.map((issue) => issue.path)).toEqual(paths);
    });
  });
});
