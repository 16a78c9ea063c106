import type { ActionTypeId } from '@sluice/domain';

/**
 * The job-worker protocol as the worker needs it: CodePipeline's `PollForJobs`, `AcknowledgeJob`,
 * heartbeats, `PutJobSuccessResult` and `PutJobFailureResult`. The shapes are declared here, not
 * imported, and match the executions engine's `JobWorkerApi`, so the engine object is a `JobApi`
 * in-process; a worker elsewhere uses `graphqlJobApi` (./graphql-job-api.ts) over the gateway's `/graphql`.
 *
 * Refusals are the shared domain errors of `@sluice/domain`: `IllegalStateError`, `ConflictError`
 * or `NotFoundError` mean "this job is not yours any more"; anything else is a failure to reach the
 * service, and is retried.
 */
export interface JobApi {
  /** Long poll: dispatches up to `maxBatchSize` jobs of this type, or waits up to `waitMs` for one. */
  pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options?: PollForJobsOptions): Promise<PolledJob[]>;
  /**
   * Optional: one long poll over every type the worker serves, oldest job first (the engine in-process has it).
   * With it the worker polls for as many jobs as it has free slots, whatever their type; without it, one poller
   * per type takes turns at the slots.
   */
  pollForAnyJobs?(actionTypeIds: readonly ActionTypeId[], maxBatchSize: number, options?: PollForJobsOptions): Promise<PolledJob[]>;
  acknowledgeJob(jobId: string, nonce: string): Promise<unknown>;
  heartbeat(jobId: string, nonce: string): Promise<{ leaseExpiresAt: string }>;
  putJobSuccessResult(jobId: string, result: JobSuccessResult): Promise<void>;
  putJobFailureResult(jobId: string, failure: JobFailureResult): Promise<void>;
  /**
   * The job's output, stored with its execution. The holder (`nonce`) sends it, also for a short grace
   * after the result; an entry sent again (same `sequence`) is stored once.
   */
  appendJobLogs(jobId: string, nonce: string, entries: JobLogEntry[]): Promise<void>;
  /**
   * The holder (`nonce`) gives a job back because it stops, so another worker takes it at once instead of
   * after its lease. Resolves false when the nonce no longer holds it. Optional: a job API without it leaves
   * such jobs to their lease.
   */
  releaseJob?(jobId: string, nonce: string, reason: string): Promise<boolean>;
}

/** Where a chunk came from: the provider's stdout or stderr, or the worker's own notes. */
export type JobLogStream = 'stdout' | 'stderr' | 'system';

/** One chunk of a job's output; `sequence` counts per job from 0. */
export interface JobLogEntry {
  sequence: number;
  stream: JobLogStream;
  chunk: string;
  /** When it was written (ISO 8601). */
  at: string;
}

export interface PollForJobsOptions {
  waitMs?: number;
  workerId?: string;
  /** Ends the wait early; a job dispatched before the abort is still returned. */
  signal?: AbortSignal;
  /**
   * Asks for the jobs already acknowledged, in the same step (decision 0060): the engine in-process does it for the
   * platform's own worker; a job API over the job protocol does not send it, and its jobs come unacknowledged.
   */
  claim?: boolean;
}

/** CodePipeline's `Job`. */
export interface PolledJob {
  id: string;
  /** Proves this worker holds the job: given back with the acknowledgement and every heartbeat. */
  nonce: string;
  accountId: string;
  data: JobData;
  /** The secrets' values the job received (decision 0043): masked in the logs the worker ships. */
  masks?: string[];
  /** True when the poll also acknowledged it (`claim`): the worker runs it without `acknowledgeJob`. */
  acknowledged?: boolean;
  /** A claimed job's lease, which lasts until the first heartbeat: the dispatch lease's end (decision 0060). */
  leaseExpiresAt?: string;
}

/** CodePipeline's `JobData`, with every `#{…}` already resolved by the engine. */
export interface JobData {
  executionId: string;
  pipeline: { account: string; name: string };
  stageName: string;
  actionName: string;
  actionExecutionId: string;
  actionTypeId: ActionTypeId;
  configuration: Record<string, string>;
  commands: string[];
  environmentVariables: Array<{ name: string; value: string; type: string }>;
  /** Input artifacts by their artifact store address (a sha256). */
  inputArtifacts: Array<{ name: string; location: string }>;
  outputArtifacts: Array<{ name: string; files: string[] }>;
  outputVariables: string[];
  namespace: string | null;
  /** The revision a source action must fetch: pinned on a retry or re-run, null for "the head now". */
  sourceRevision: JobSourceRevision | null;
  continuationToken: string | null;
  /** The action's timeout, as an instant (ISO 8601). */
  deadline: string;
  /** W3C `traceparent` of the engine step that created the job (tracing on): the job's span is its child. */
  traceContext?: string | null;
}

export const JOB_SOURCE_REVISION_TYPES = ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'] as const;
export type JobSourceRevisionType = (typeof JOB_SOURCE_REVISION_TYPES)[number];

/** CodePipeline's `SourceRevision`. */
export interface JobSourceRevision {
  actionName: string;
  revisionType: JobSourceRevisionType;
  revisionId: string;
  revisionSummary: string | null;
  revisionUrl: string | null;
}

export interface JobSuccessResult {
  outputArtifacts?: Array<{ name: string; location: string }>;
  outputVariables?: Record<string, string>;
  executionSummary?: string | null;
  externalExecutionId?: string | null;
  externalExecutionUrl?: string | null;
  sourceRevision?: JobSourceRevision | null;
}

/** CodePipeline's `FailureDetails.type`. */
export const JOB_FAILURE_TYPES = ['JobFailed', 'ConfigurationError', 'PermissionError', 'RevisionOutOfSync', 'RevisionUnavailable', 'SystemUnavailable'] as const;
export type JobFailureType = (typeof JOB_FAILURE_TYPES)[number];

export interface JobFailureResult {
  type: JobFailureType;
  message: string;
  externalExecutionId?: string | null;
}
