/** The demo's name, in the default account. */
export const DEMO_PIPELINE = 'demo';

/** The secret the demo's set-up creates with a generated value; the staging smoke test receives it and prints it, masked. */
export const DEMO_SECRET = 'demo-api-token';
/** The demo's notification rule, to the platform's own receiver (demo-notification-receiver.ts). */
export const DEMO_NOTIFICATION_RULE = 'demo-notifications';
/** The two environments the demo deploys to: staging before the approval, prod after it. */
export const DEMO_ENVIRONMENTS = ['staging', 'prod'] as const;

export interface DemoPipelineLocations {
  /** `file://` URL of the demo repository. */
  repositoryUrl: string;
  /** Absolute folder the deploys release under: `staging/` and `prod/` (each with `current` pointing at its latest release). */
  deployPath: string;
}

const SLUICE = 'Sluice';

/** What the demo's notification rule sends: a run's start and end, and its approval waiting and given. */
export const DEMO_NOTIFICATION_EVENTS = [
  'codepipeline-pipeline-pipeline-execution-started',
  'codepipeline-pipeline-manual-approval-needed',
  'codepipeline-pipeline-manual-approval-succeeded',
  'codepipeline-pipeline-pipeline-execution-succeeded',
  'codepipeline-pipeline-pipeline-execution-failed',
];

/** The demo's rule: a signed webhook to `address` (the platform's own receiver). */
export function demoNotificationRule(address: string, secret: string): Record<string, unknown> {
  return { name: DEMO_NOTIFICATION_RULE, pipelineName: DEMO_PIPELINE, eventTypeIds: DEMO_NOTIFICATION_EVENTS, targets: [{ type: 'Webhook', address, secret }] };
}

/** A Deploy/Directory action releasing BuildOutput into `deployPath/environment`, recorded as a deployment to it. */
function deployTo(environment: (typeof DEMO_ENVIRONMENTS)[number], deployPath: string): Record<string, unknown> {
  return {
    name: 'Deploy',
    actionTypeId: { category: 'Deploy', owner: SLUICE, provider: 'Directory', version: '1' },
    runOrder: 1,
    configuration: { Path: `${deployPath}/${environment}` },
    inputArtifacts: [{ name: 'BuildOutput' }],
    environment,
  };
}

/**
 * Source → Build → Test → Staging (deploy, then a smoke test that uses the demo's secret) → manual Approval → Prod,
 * in CodePipeline's JSON shape.
 */
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
        name: 'Staging',
        actions: [
          deployTo('staging', deployPath),
          {
            name: 'SmokeTest',
            actionTypeId: { category: 'Test', owner: SLUICE, provider: 'Commands', version: '1' },
            runOrder: 2,
            // The log shows the token as ***: a secret's value never reaches a log, an event or an answer.
            configuration: { Commands: 'grep -q Hello dist/index.html && echo "staging answers; called its API with the token $DEMO_API_TOKEN"' },
            inputArtifacts: [{ name: 'BuildOutput' }],
            environmentVariables: [{ name: 'DEMO_API_TOKEN', value: DEMO_SECRET, type: 'SECRETS_MANAGER' }],
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
            configuration: { CustomData: 'Staging is deployed and its smoke test passed. Approve to deploy the build to prod.' },
          },
        ],
      },
      {
        name: 'Prod',
        actions: [deployTo('prod', deployPath)],
      },
    ],
  };
}
