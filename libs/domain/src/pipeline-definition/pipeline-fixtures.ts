/** Realistic definitions for tests, in CodePipeline's JSON shape (kept out of the package's exports). */

export const GIT = { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' } as const;
export const UPLOAD = { category: 'Source', owner: 'Sluice', provider: 'Upload', version: '1' } as const;
export const BUILD = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' } as const;
export const TEST = { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' } as const;
export const DIRECTORY = { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' } as const;
export const HTTP = { category: 'Invoke', owner: 'Sluice', provider: 'Http', version: '1' } as const;
export const MANUAL = { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } as const;

/** Source -> Build -> Deploy, with a manual approval before the deploy in the Deploy stage. */
export function sourceBuildDeploy() {
  return {
    name: 'web-app',
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: GIT,
            configuration: { RepositoryUrl: 'https://git.example.com/web.git', BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceOutput' }],
            namespace: 'SourceVariables',
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Compile',
            actionTypeId: BUILD,
            commands: ['npm ci', 'npm run build', 'echo "built #{SourceVariables.CommitId}"'],
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'BuildOutput', files: ['dist/**/*'] }],
            namespace: 'BuildVariables',
            outputVariables: ['IMAGE_TAG'],
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'ApproveRelease',
            actionTypeId: MANUAL,
            runOrder: 1,
            configuration: { CustomData: 'Release #{BuildVariables.IMAGE_TAG} to production?' },
            timeoutInMinutes: 1440,
          },
          {
            name: 'Publish',
            actionTypeId: DIRECTORY,
            runOrder: 2,
            configuration: { Path: '/srv/www/web-app' },
            inputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
    ],
  };
}

/** A V2 pipeline using variables, namespaces, triggers, stage conditions and retries. */
export function v2WithEverything() {
  return {
    name: 'payments.api@prod',
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    version: 7,
    variables: [
      { name: 'DEPLOY_ENV', defaultValue: 'staging', description: 'Where to deploy' },
      { name: 'release-notes' },
    ],
    triggers: [
      {
        providerType: 'CodeStarSourceConnection',
        gitConfiguration: {
          sourceActionName: 'Checkout',
          push: [
            { branches: { includes: ['main', 'release/*'], excludes: ['release/old-*'] }, filePaths: { includes: ['src/**'] } },
            { tags: { includes: ['v*'] } },
          ],
          pullRequest: [{ events: ['OPEN', 'UPDATED'], branches: { includes: ['main'] } }],
        },
      },
    ],
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: GIT,
            configuration: { RepositoryUrl: 'ssh://git@git.example.com/payments.git', BranchName: 'main', DetectChanges: 'false', OutputArtifactFormat: 'GIT_CLONE' },
            outputArtifacts: [{ name: 'Code' }],
            namespace: 'Src',
          },
        ],
      },
      {
        name: 'Build',
        onFailure: { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } },
        actions: [
          {
            name: 'Package',
            actionTypeId: BUILD,
            configuration: { Commands: 'make test\nmake package VERSION=#{Src.CommitId} ENV=#{variables.DEPLOY_ENV}' },
            inputArtifacts: [{ name: 'Code' }],
            outputArtifacts: [{ name: 'Package' }],
            namespace: 'Pkg',
            environmentVariables: [{ name: 'RUN_ID', value: '#{codepipeline.PipelineExecutionId}', type: 'PLAINTEXT' }],
          },
        ],
      },
      {
        name: 'Production',
        beforeEntry: {
          conditions: [
            {
              result: 'FAIL',
              rules: [
                {
                  name: 'BusinessHours',
                  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
                  configuration: { Cron: '0 9-17 ? * MON-FRI *', TimeZone: 'Europe/Paris' },
                },
              ],
            },
          ],
        },
        onSuccess: {
          conditions: [
            {
              result: 'ROLLBACK',
              rules: [
                {
                  name: 'SmokeTest',
                  ruleTypeId: { category: 'Rule', provider: 'Commands' },
                  commands: ['curl -f https://payments.example.com/health?build=#{Pkg.BUILD_ID}'],
                  inputArtifacts: [{ name: 'Package' }],
                  timeoutInMinutes: 10,
                },
              ],
            },
          ],
        },
        onFailure: { result: 'ROLLBACK' },
        actions: [
          {
            name: 'Notify',
            actionTypeId: HTTP,
            configuration: { Url: 'https://hooks.example.com/deploy', Method: 'POST', Body: '{"release":"#{Src.CommitId}"}' },
          },
          {
            name: 'Ship',
            actionTypeId: DIRECTORY,
            configuration: { Path: '/srv/payments' },
            inputArtifacts: [{ name: 'Package' }],
          },
        ],
      },
    ],
  };
}

/** Parallel test actions (same runOrder) whose outputs meet in a later action of the same stage. */
export function parallelTests() {
  return {
    name: 'parallel',
    executionMode: 'PARALLEL',
    stages: [
      {
        name: 'Source',
        actions: [
          { name: 'Upload', actionTypeId: UPLOAD, configuration: { ObjectKey: 'app.zip' }, outputArtifacts: [{ name: 'App' }] },
          {
            name: 'Tools',
            actionTypeId: GIT,
            configuration: { RepositoryUrl: 'file:///srv/git/tools.git', BranchName: 'main' },
            outputArtifacts: [{ name: 'ToolsCode' }],
          },
        ],
      },
      {
        name: 'Test',
        actions: [
          { name: 'Unit', actionTypeId: TEST, runOrder: 1, commands: ['make unit'], inputArtifacts: [{ name: 'App' }], outputArtifacts: [{ name: 'UnitReport' }] },
          { name: 'Lint', actionTypeId: TEST, runOrder: 1, commands: ['make lint'], inputArtifacts: [{ name: 'App' }, { name: 'ToolsCode' }], outputArtifacts: [{ name: 'LintReport' }] },
          {
            name: 'Report',
            actionTypeId: BUILD,
            runOrder: 2,
            commands: ['merge-reports'],
            inputArtifacts: [{ name: 'UnitReport' }, { name: 'LintReport' }],
          },
        ],
      },
    ],
  };
}

/** What `aws codepipeline get-pipeline` prints under "pipeline", for a pipeline using Sluice's providers. */
export function awsShapedPipeline() {
  return {
    name: 'imported',
    roleArn: 'arn:aws:iam::123456789012:role/service-role/AWSCodePipelineServiceRole',
    artifactStore: { type: 'S3', location: 'codepipeline-eu-west-1-123456789012' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: GIT,
            runOrder: 1,
            configuration: { RepositoryUrl: 'https://git.example.com/a.git', BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceArtifact' }],
            inputArtifacts: [],
            region: 'eu-west-1',
            namespace: 'SourceVariables',
          },
        ],
      },
      {
        name: 'Approve',
        actions: [
          {
            name: 'Manual',
            actionTypeId: MANUAL,
            runOrder: 1,
            configuration: {},
            outputArtifacts: [],
            inputArtifacts: [],
            region: 'eu-west-1',
          },
        ],
      },
    ],
    version: 3,
    executionMode: 'SUPERSEDED',
    pipelineType: 'V2',
  };
}
