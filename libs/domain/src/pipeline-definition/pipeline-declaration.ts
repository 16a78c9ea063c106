/**
 * The pipeline definition, in CodePipeline's JSON shape (API version 2015-07-09, V2 pipelines).
 * Field names and value sets follow the AWS API reference exactly, so the `pipeline` object printed
 * by `aws codepipeline get-pipeline` is a valid `PipelineDeclaration` unchanged.
 */

/** The categories of Sluice's action types. */
export const ACTION_CATEGORIES = ['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke'] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];

/**
 * Every category CodePipeline accepts in an `actionTypeId`: Sluice's plus AWS's `Compute` (its Commands action),
 * so AWS output types and reads back; no Sluice action type is in `Compute`.
 */
export const AWS_ACTION_CATEGORIES = [...ACTION_CATEGORIES, 'Compute'] as const;
export type AwsActionCategory = (typeof AWS_ACTION_CATEGORIES)[number];

/** CodePipeline's owners; Sluice adds 'Sluice' for its built-in providers (see docs/decisions/0005). */
export const ACTION_OWNERS = ['AWS', 'ThirdParty', 'Custom', 'Sluice'] as const;
export type ActionOwner = (typeof ACTION_OWNERS)[number];

export const EXECUTION_MODES = ['SUPERSEDED', 'QUEUED', 'PARALLEL'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export const PIPELINE_TYPES = ['V1', 'V2'] as const;
export type PipelineType = (typeof PIPELINE_TYPES)[number];

export interface ActionTypeId {
  category: AwsActionCategory;
  owner: ActionOwner;
  provider: string;
  version: string;
}

export interface InputArtifact {
  name: string;
}

export interface OutputArtifact {
  name: string;
  /** Glob patterns of the files that make up the artifact (compute actions). */
  files?: string[];
}

export const ENVIRONMENT_VARIABLE_TYPES = ['PLAINTEXT', 'SECRETS_MANAGER'] as const;
export type EnvironmentVariableType = (typeof ENVIRONMENT_VARIABLE_TYPES)[number];

export interface EnvironmentVariable {
  name: string;
  value: string;
  type?: EnvironmentVariableType;
}

export interface ActionDeclaration {
  name: string;
  actionTypeId: ActionTypeId;
  runOrder?: number;
  configuration?: Record<string, string>;
  /** Shell commands of a compute (Commands) action. */
  commands?: string[];
  outputArtifacts?: OutputArtifact[];
  inputArtifacts?: InputArtifact[];
  /** Variables a compute action exports into its namespace. */
  outputVariables?: string[];
  roleArn?: string;
  region?: string;
  namespace?: string;
  timeoutInMinutes?: number;
  environmentVariables?: EnvironmentVariable[];
  /**
   * Sluice's own field (not CodePipeline's): the environment a Deploy action deploys to (`staging`, `prod`). Each of
   * its successful runs is a deployment of the execution's revisions to it (docs/environments.md).
   */
  environment?: string;
}

export interface BlockerDeclaration {
  name: string;
  type: 'Schedule';
}

export const CONDITION_RESULTS = ['ROLLBACK', 'FAIL', 'RETRY', 'SKIP'] as const;
export type ConditionResult = (typeof CONDITION_RESULTS)[number];

export interface RuleTypeId {
  category: 'Rule';
  /** AWS in a definition (the only owner a definition may name); Sluice for the entry rules Sluice adds itself (an environment's freeze). */
  owner?: 'AWS' | 'Sluice';
  provider: string;
  version?: string;
}

export interface RuleDeclaration {
  name: string;
  ruleTypeId: RuleTypeId;
  configuration?: Record<string, string>;
  commands?: string[];
  inputArtifacts?: InputArtifact[];
  region?: string;
  roleArn?: string;
  timeoutInMinutes?: number;
}

export interface Condition {
  result?: ConditionResult;
  rules?: RuleDeclaration[];
}

export interface BeforeEntryConditions {
  conditions: Condition[];
}

export interface SuccessConditions {
  conditions: Condition[];
}

export const STAGE_RETRY_MODES = ['ALL_ACTIONS', 'FAILED_ACTIONS'] as const;
export type StageRetryMode = (typeof STAGE_RETRY_MODES)[number];

export interface RetryConfiguration {
  retryMode?: StageRetryMode;
}

export interface FailureConditions {
  result?: ConditionResult;
  retryConfiguration?: RetryConfiguration;
  conditions?: Condition[];
}

export interface StageDeclaration {
  name: string;
  actions: ActionDeclaration[];
  /** Reserved for future use by CodePipeline; accepted and kept. */
  blockers?: BlockerDeclaration[];
  onFailure?: FailureConditions;
  onSuccess?: SuccessConditions;
  beforeEntry?: BeforeEntryConditions;
}

export interface EncryptionKey {
  id: string;
  type: 'KMS';
}

export interface ArtifactStore {
  type: 'S3';
  location: string;
  encryptionKey?: EncryptionKey;
}

export interface PipelineVariableDeclaration {
  name: string;
  defaultValue?: string;
  description?: string;
}

export interface GitTagFilterCriteria {
  includes?: string[];
  excludes?: string[];
}

export interface GitBranchFilterCriteria {
  includes?: string[];
  excludes?: string[];
}

export interface GitFilePathFilterCriteria {
  includes?: string[];
  excludes?: string[];
}

export interface GitPushFilter {
  tags?: GitTagFilterCriteria;
  branches?: GitBranchFilterCriteria;
  filePaths?: GitFilePathFilterCriteria;
}

export const GIT_PULL_REQUEST_EVENTS = ['OPEN', 'UPDATED', 'CLOSED'] as const;
export type GitPullRequestEventType = (typeof GIT_PULL_REQUEST_EVENTS)[number];

export interface GitPullRequestFilter {
  events?: GitPullRequestEventType[];
  branches?: GitBranchFilterCriteria;
  filePaths?: GitFilePathFilterCriteria;
}

export interface GitConfiguration {
  sourceActionName: string;
  push?: GitPushFilter[];
  pullRequest?: GitPullRequestFilter[];
}

export const PIPELINE_TRIGGER_PROVIDER_TYPES = ['CodeStarSourceConnection'] as const;
export type PipelineTriggerProviderType = (typeof PIPELINE_TRIGGER_PROVIDER_TYPES)[number];

export interface PipelineTriggerDeclaration {
  providerType: PipelineTriggerProviderType;
  gitConfiguration: GitConfiguration;
}

export interface PipelineDeclaration {
  name: string;
  /** Required by AWS; optional in Sluice, which has no IAM roles to assume. */
  roleArn?: string;
  artifactStore?: ArtifactStore;
  /** Artifact stores by region (cross-region actions). */
  artifactStores?: Record<string, ArtifactStore>;
  stages: StageDeclaration[];
  version?: number;
  executionMode?: ExecutionMode;
  pipelineType?: PipelineType;
  variables?: PipelineVariableDeclaration[];
  triggers?: PipelineTriggerDeclaration[];
}
