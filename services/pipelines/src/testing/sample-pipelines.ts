/** Definitions the tests share: valid ones built from Sluice's built-in action types. */

export function samplePipeline(name = 'web'): Record<string, unknown> {
  return {
    name,
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
            runOrder: 1,
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
            actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
            runOrder: 1,
            commands: ['npm ci', 'npm test'],
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Publish',
            actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' },
            runOrder: 1,
            configuration: { Path: '/srv/web' },
            inputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
    ],
  };
}

/** A CreateCustomActionType request in CodePipeline's shape. */
export function sampleCustomActionType(provider = 'Terraform', version = '1'): Record<string, unknown> {
  return {
    category: 'Deploy',
    provider,
    version,
    configurationProperties: [{ name: 'Workspace', required: true, key: true, secret: false, type: 'String' }],
    inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  };
}

/** `samplePipeline` whose Deploy stage uses the custom action type of `sampleCustomActionType`. */
export function pipelineUsingCustomAction(name: string, provider = 'Terraform'): Record<string, unknown> {
  const pipeline = samplePipeline(name) as { stages: Array<{ actions: unknown[] }> };
  pipeline.stages[2]!.actions = [
    {
      name: 'Apply',
      actionTypeId: { category: 'Deploy', owner: 'Custom', provider, version: '1' },
      runOrder: 1,
      configuration: { Workspace: 'production' },
      inputArtifacts: [{ name: 'BuildOutput' }],
    },
  ];
  return pipeline;
}
