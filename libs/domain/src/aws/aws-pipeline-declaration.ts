import type {
  EnvironmentVariable,
  ExecutionMode,
  OutputArtifact,
  PipelineTriggerDeclaration,
  PipelineType,
  PipelineVariableDeclaration,
  StageDeclaration,
} from '../pipeline-definition/pipeline-declaration';

/**
 * A pipeline as CodePipeline holds it. It differs from Sluice's `PipelineDeclaration` only where
 * AWS allows what Sluice does not: any category (`Compute`), any owner and provider, and
 * environment variables of type PARAMETER_STORE.
 */
export interface AwsActionTypeId {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface AwsEnvironmentVariable extends Omit<EnvironmentVariable, 'type'> {
  type?: string;
}

export interface AwsActionDeclaration {
  name: string;
  actionTypeId: AwsActionTypeId;
  runOrder?: number;
  configuration?: Record<string, string>;
  commands?: string[];
  outputArtifacts?: OutputArtifact[];
  inputArtifacts?: Array<{ name: string }>;
  outputVariables?: string[];
  roleArn?: string;
  region?: string;
  namespace?: string;
  timeoutInMinutes?: number;
  environmentVariables?: AwsEnvironmentVariable[];
}

export interface AwsStageDeclaration extends Omit<StageDeclaration, 'actions'> {
  actions: AwsActionDeclaration[];
}

export interface AwsArtifactStore {
  type: string;
  location: string;
  encryptionKey?: { id: string; type: string };
}

export interface AwsPipelineDeclaration {
  name: string;
  roleArn?: string;
  artifactStore?: AwsArtifactStore;
  artifactStores?: Record<string, AwsArtifactStore>;
  stages: AwsStageDeclaration[];
  version?: number;
  executionMode?: ExecutionMode;
  pipelineType?: PipelineType;
  variables?: PipelineVariableDeclaration[];
  triggers?: PipelineTriggerDeclaration[];
}

/** `aws codepipeline get-pipeline` prints the declaration with this beside it. */
export interface AwsPipelineMetadata {
  pipelineArn?: string;
  created?: string;
  updated?: string;
  pollingDisabledAt?: string;
}
