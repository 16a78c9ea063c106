/** The demo's name, in the default account. */
export const DEMO_PIPELINE = 'demo';

export interface DemoPipelineLocations {
  /** `file://` URL of the demo repository. */
  repositoryUrl: string;
  /** Absolute folder the Deploy stage releases into (`current` points at the latest release). */
  deployPath: string;
}

const SLUICE = 'Sluice';

/** Source → Build → Test → manual Approval → Deploy to a folder, in CodePipeline's JSON shape. */
export function demoPipeline({ repositoryUrl, deployPath }: DemoPipelineLocations): Record<string, unknown> {
  return {
    name: DEMO_PIPELINE,
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: SLUICE, provider: 'Git', version: '1' },
            runOrder: 1,
            configuration: { RepositoryUrl: repositoryUrl, BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceOutput' }],
            namespace: 'SourceVariables',
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: SLUICE, provider: 'Commands', version: '1' },
            runOrder: 1,
            configuration: { Commands: './build.sh' },
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'BuildOutput', files: ['dist/**'] }],
          },
        ],
      },
      {
        name: 'Test',
        actions: [
          {
            name: 'Test',
            actionTypeId: { category: 'Test', owner: SLUICE, provider: 'Commands', version: '1' },
            runOrder: 1,
            configuration: { Commands: './test.sh' },
            inputArtifacts: [{ name: 'SourceOutput' }],
          },
        ],
      },
      {
        name: 'Approval',
        actions: [
          {
            name: 'Approve',
            actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
            runOrder: 1,
            configuration: { CustomData: 'Tests passed. Approve to deploy the build to the demo folder.' },
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Deploy',
            actionTypeId: { category: 'Deploy', owner: SLUICE, provider: 'Directory', version: '1' },
            runOrder: 1,
            configuration: { Path: deployPath },
            inputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
    ],
  };
}
