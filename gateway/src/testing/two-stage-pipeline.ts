/** Source/Git then Build/Commands: the smallest pipeline CodePipeline accepts, in its JSON shape. */
export function twoStagePipeline(name: string): Record<string, unknown> {
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
    ],
  };
}
