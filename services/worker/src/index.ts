export type { ActionProvider, FetchedRevision, LogStream, ProviderIo, ProviderJob, ProviderResult } from './providers/action-provider';
export { PROVIDER_FAILURE_KINDS, ProviderFailure, type ProviderFailureKind } from './providers/provider-failure';
export { providerFor, providerRegistry, type ProviderRegistryOptions } from './providers/provider-registry';
export { gitSourceProvider, type GitSourceOptions } from './providers/git/git-source-provider';
export { uploadSourceProvider, type UploadSourceOptions } from './providers/upload/upload-source-provider';
export { commandsProvider, type CommandsOptions } from './providers/commands/commands-provider';
export { DEFAULT_INHERITED_ENVIRONMENT } from './providers/commands/command-environment';
export { DEFAULT_KEEP_RELEASES, directoryDeployProvider, type DirectoryDeployOptions } from './providers/directory/directory-deploy-provider';
export { currentRelease, listReleases, rollbackDirectoryDeploy } from './providers/directory/releases';
export { s3SourceProvider, type S3SourceOptions } from './providers/s3/s3-source-provider';
export { s3DeployProvider, type S3DeployOptions } from './providers/s3/s3-deploy-provider';
export { s3ObjectRevisions } from './providers/s3/s3-store';
export { httpInvokeProvider, type HttpInvokeOptions } from './providers/http/http-invoke-provider';
export { createJobWorkspace, withJobWorkspace, type JobWorkspace, type JobWorkspaceOptions } from './workspace/job-workspace';
export { OUTPUT_ARCHIVE_FORMAT, packDirectory, unpackArtifact } from './workspace/artifact-archives';
export { detectArchiveFormat, UnknownArchiveFormatError } from './workspace/archive-format';
export { runJob, type CompletedJob, type RunJobOptions, type WorkerJob } from './workspace/run-job';
export type {
  JobApi,
  JobData,
  JobFailureResult,
  JobFailureType,
  JobLogEntry,
  JobLogStream,
  JobSourceRevision,
  JobSuccessResult,
  PolledJob,
  PollForJobsOptions,
} from './job-api/job-api';
export { JOB_FAILURE_TYPES } from './job-api/job-api';
export { isJobRefusal } from './job-api/job-refusal';
export { graphqlJobApi, jobApiErrorOf, JobApiUnavailableError, type GraphQLJobApiOptions } from './job-api/graphql-job-api';
export { workerJobOf } from './job-api/worker-job';
export { failureResultOf, successResultOf } from './job-api/job-results';
export { startWorker, type Worker, type WorkerOptions } from './loop/worker-loop';
export { logProblems, type WorkerEvent } from './loop/worker-events';
export { DEFAULT_LOG_SHIPPING, type LogShippingOptions } from './loop/log-shipper';
export { loadProviderConfig, DEFAULT_JOB_LIMITS, DEFAULT_SANDBOX_USER, type ProviderConfig, type SandboxConfig, type JobLimits, type GitCredentialsConfig } from './provider-config';
export { openBuiltInProviders, type BuiltInProviders } from './built-in-providers';
export { openJobSandbox, SANDBOX_SETUP_HINT } from './sandbox/open-sandbox';
export { directLauncher, type LaunchedProcess, type ProcessEvents, type ProcessLauncher, type ProcessSpec } from './providers/process/process-launcher';
export { entryArgumentsOfThisProcess, startLauncherProcess, type LauncherProcess } from './providers/process/launcher-process';
export type { JobSandbox, JobCommand, SandboxedProcess, SandboxOwner } from './sandbox/job-sandbox';
/** For other packages' tests: the machine's default job sandbox, failing loudly when it cannot be had. */
export { testSandbox } from './sandbox/testing/test-sandbox';
export { workerConcurrencyFrom } from './worker-config';
