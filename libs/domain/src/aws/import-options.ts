import type { AwsEnvironmentVariable } from './aws-pipeline-declaration';

/** What the pipeline JSON does not hold but the CodeBuild projects and the account do. */
export interface ImportAwsPipelineOptions {
  /** By CodeBuild project name: `aws codebuild batch-get-projects` gives the buildspec and environment. */
  codeBuildProjects?: Record<string, CodeBuildProjectDetails>;
  /** Used for CodeCommit URLs when neither the action nor the pipeline ARN in `metadata` names a region. */
  region?: string;
}

export interface CodeBuildProjectDetails {
  /** The buildspec YAML (the project's `source.buildspec` when it is inline). */
  buildspec?: string;
  environmentVariables?: AwsEnvironmentVariable[];
}
