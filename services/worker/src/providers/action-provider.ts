import type { ActionTypeIdLike } from '@sluice/domain';

/** One job as a provider sees it: every `#{…}` resolved, input artifacts already extracted. */
export interface ProviderJob {
  jobId: string;
  /** The account whose pipeline the job is of (what the operator's S3 buckets are allowed to, SLUICE_S3_BUCKETS). */
  account?: string;
  pipelineExecutionId: string;
  stageName: string;
  actionName: string;
  configuration: Record<string, string>;
  /** The action's `commands` array (Commands actions), used when the `Commands` configuration is absent. */
  commands?: string[];
  /** Extracted input artifacts, in the action's order (the first is the primary one). */
  inputArtifacts: Array<{ name: string; directory: string }>;
  /** Declared outputs; `files` are globs relative to the primary input (Commands), everything by default. */
  outputArtifacts: Array<{ name: string; files?: string[] }>;
  environmentVariables?: Array<{ name: string; value: string }>;
  /** Names of environment variables a Commands action exports when its commands succeed (CodePipeline's `outputVariables`). */
  outputVariables?: string[];
  /** The revision a source action must fetch (a commit, an uploaded archive's sha256): pinned on a retry or re-run. */
  sourceRevision?: string;
  timeoutMs: number;
  /** An empty folder owned by this job, removed after it: outputs go here. */
  workspace: string;
  /** Resolved pipeline and namespace variables (`SourceVariables.CommitId`), given to commands as environment. */
  variables: Record<string, string>;
}

export type LogStream = 'stdout' | 'stderr';

export interface ProviderIo {
  /** Called as output arrives, chunk by chunk, never only at the end. */
  log(stream: LogStream, chunk: string): void;
  /** Aborted when the job is stopped or its deadline passes; a `TimeoutError` reason means the latter. */
  signal: AbortSignal;
  /**
   * The output is complete (the job's process ended): what is buffered goes now, while the provider finishes up,
   * rather than after the provider returns, on the path between the command and the job's result.
   */
  flush?(): void;
}

/** What a source action fetched, recorded so a retry fetches the same (CodePipeline's `SourceRevision`). */
export interface FetchedRevision {
  revisionType: 'COMMIT_ID' | 'S3_OBJECT_VERSION_ID';
  revisionId: string;
  revisionSummary: string | null;
}

export interface ProviderResult {
  /** Folders to pack as the action's output artifacts, by name. */
  outputArtifacts: Array<{ name: string; directory: string }>;
  outputVariables: Record<string, string>;
  summary: string;
  externalLink?: string;
  sourceRevision?: FetchedRevision;
}

export interface ActionProvider {
  actionTypeId: ActionTypeIdLike;
  /** Resolves with the result, or rejects with a `ProviderFailure` (any other error is a fault of the worker). */
  run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult>;
}
