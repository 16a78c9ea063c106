import type { ActionConfigurationProperty, ActionTypeDefinition } from './action-type-definition';

/** Owner of the providers Sluice ships; CodePipeline's manual approval keeps its AWS id (decision 0005). */
export const SLUICE_OWNER = 'Sluice';

/** CodePipeline's Commands action allows 50 commands of 1000 characters; the newline-separated form gets the same room. */
export const COMMANDS_CONFIGURATION_MAX_LENGTH = 50 * 1001;

function property(
  name: string,
  description: string,
  options: Partial<Omit<ActionConfigurationProperty, 'name' | 'description'>> = {},
): ActionConfigurationProperty {
  return { name, required: false, key: false, secret: false, queryable: false, type: 'String', description, ...options };
}

const none = { minimumCount: 0, maximumCount: 0 };

export const GIT_SOURCE: ActionTypeDefinition = {
  id: { category: 'Source', owner: SLUICE_OWNER, provider: 'Git', version: '1' },
  actionConfigurationProperties: [
    property('RepositoryUrl', 'URL of the git repository (https://, ssh:// or file://).', { required: true, key: true }),
    property('BranchName', 'Branch whose head starts the pipeline.', { required: true, key: true }),
    property('DetectChanges', 'Start the pipeline when the branch changes (true by default).', { type: 'Boolean' }),
    property('PollForSourceChanges', 'Poll the repository for changes (true by default); false leaves change detection to webhooks.', { type: 'Boolean' }),
    property('OutputArtifactFormat', 'CODE_ZIP (the files of the commit, the default) or GIT_CLONE (a full clone).'),
  ],
  inputArtifactDetails: none,
  outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
};

export const UPLOAD_SOURCE: ActionTypeDefinition = {
  id: { category: 'Source', owner: SLUICE_OWNER, provider: 'Upload', version: '1' },
  actionConfigurationProperties: [
    property('ObjectKey', 'Name under which archives are uploaded to start this pipeline.', { required: true, key: true }),
  ],
  inputArtifactDetails: none,
  outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
};

/** CodePipeline's S3 source, from the operator's S3-compatible store (`SLUICE_S3_*`): the object's version is the revision. */
export const S3_SOURCE: ActionTypeDefinition = {
  id: { category: 'Source', owner: SLUICE_OWNER, provider: 'S3', version: '1' },
  actionConfigurationProperties: [
    property('S3Bucket', 'Bucket of the watched object, in the S3-compatible store Sluice is configured with.', { required: true, key: true }),
    property('S3ObjectKey', 'Key of the watched object: a zip (or tar, tar.gz) of the source files.', { required: true, key: true }),
    property('PollForSourceChanges', 'Poll the object for a new version (true by default).', { type: 'Boolean' }),
  ],
  inputArtifactDetails: none,
  outputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
};

function commandsActionType(category: 'Build' | 'Test' | 'Deploy'): ActionTypeDefinition {
  return {
    id: { category, owner: SLUICE_OWNER, provider: 'Commands', version: '1' },
    actionConfigurationProperties: [
      property('Commands', 'Shell commands, one per line; or use the action\'s "commands" array instead.', {
        maxLength: COMMANDS_CONFIGURATION_MAX_LENGTH,
      }),
    ],
    inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
    runsCommands: true,
  };
}

export const BUILD_COMMANDS = commandsActionType('Build');
export const TEST_COMMANDS = commandsActionType('Test');
export const DEPLOY_COMMANDS = commandsActionType('Deploy');

export const DIRECTORY_DEPLOY: ActionTypeDefinition = {
  id: { category: 'Deploy', owner: SLUICE_OWNER, provider: 'Directory', version: '1' },
  actionConfigurationProperties: [
    property('Path', 'Directory on the worker into which the input artifact is copied.', { required: true, key: true }),
    property('KeepReleases', 'How many past releases to keep for rollback (default 5).', { type: 'Number' }),
  ],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: none,
};

/** CodePipeline's S3 deploy, into the operator's S3-compatible store (`SLUICE_S3_*`). */
export const S3_DEPLOY: ActionTypeDefinition = {
  id: { category: 'Deploy', owner: SLUICE_OWNER, provider: 'S3', version: '1' },
  actionConfigurationProperties: [
    property('BucketName', 'Bucket to deploy into.', { required: true, key: true }),
    property('Extract', 'true: the files of the input artifact are written under ObjectKey (a prefix, optional); false: the artifact is uploaded as one zip at ObjectKey.', { required: true, type: 'Boolean' }),
    property('ObjectKey', 'The key prefix (Extract true) or the zip object key (Extract false, required then).'),
  ],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: none,
};

export const HTTP_INVOKE: ActionTypeDefinition = {
  id: { category: 'Invoke', owner: SLUICE_OWNER, provider: 'Http', version: '1' },
  actionConfigurationProperties: [
    property('Url', 'URL to call; a 2xx answer succeeds the action.', { required: true, key: true }),
    property('Method', 'HTTP method (POST by default).'),
    property('Body', 'Request body; may reference variables such as #{SourceVariables.CommitId}.'),
  ],
  inputArtifactDetails: { minimumCount: 0, maximumCount: 5 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
};

/**
 * CodePipeline's Invoke/AWS/CodePipeline: starts another pipeline of the same account, run by the engine itself (no job).
 * `PipelineName` is a literal name, never a variable (decision 0052), so the target is fixed when the definition is saved.
 */
export const PIPELINE_INVOKE: ActionTypeDefinition = {
  id: { category: 'Invoke', owner: SLUICE_OWNER, provider: 'Pipeline', version: '1' },
  actionConfigurationProperties: [
    property('PipelineName', 'The pipeline to start, in the same account; a name, not a variable reference.', { required: true, key: true }),
    property('Variables', 'Pipeline variables of the started pipeline: a JSON array of {"name","value"} (values may reference variables).'),
    property('SourceRevisions', 'Revisions the started pipeline pins: a JSON array of {"actionName","revisionType","revisionValue"}, as StartPipelineExecution takes.'),
    property('WaitForResult', 'true: the action ends as the started execution does; false (the default): it succeeds once that execution started.', { type: 'Boolean' }),
  ],
  inputArtifactDetails: none,
  outputArtifactDetails: none,
};

/** CodePipeline's manual approval, with its AWS id so AWS definitions validate unchanged. */
export const MANUAL_APPROVAL: ActionTypeDefinition = {
  id: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  actionConfigurationProperties: [
    property('CustomData', 'Comments shown to the approver.'),
    property('ExternalEntityLink', 'A URL the approver should look at before deciding.'),
    property('NotificationArn', 'Where to announce that an approval is waiting (kept for AWS compatibility).'),
  ],
  inputArtifactDetails: none,
  outputArtifactDetails: none,
};

export const BUILT_IN_ACTION_TYPES: readonly ActionTypeDefinition[] = [
  GIT_SOURCE,
  UPLOAD_SOURCE,
  S3_SOURCE,
  BUILD_COMMANDS,
  TEST_COMMANDS,
  DEPLOY_COMMANDS,
  DIRECTORY_DEPLOY,
  S3_DEPLOY,
  HTTP_INVOKE,
  PIPELINE_INVOKE,
  MANUAL_APPROVAL,
];
