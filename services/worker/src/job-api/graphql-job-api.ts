import { AccessDeniedError, ConflictError, type ActionTypeId, errorCodeOf, isNotFoundResource, NotFoundError, ValidationError, type ValidationIssue } from '@sluice/domain';
import type { JobApi, JobData, JobFailureResult, JobLogEntry, JobSuccessResult, PolledJob, PollForJobsOptions } from './job-api';

export interface GraphQLJobApiOptions {
  /** The GraphQL endpoint itself: the gateway's `http://host:port/graphql`, or an executions subgraph's. */
  url: string;
  /** Sent with every request: the caller's identity (`authorization`, or `x-sluice-account` on a subgraph). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Bound of one request; a long poll gets its `waitMs` on top. Default 30 s. */
  timeoutMs?: number;
}

/**
 * The service could not be reached or did not answer usefully (network, timeout, 5xx, an internal
 * error): not a refusal, so the worker tries again.
 */
export class JobApiUnavailableError extends Error {
  override readonly name = 'JobApiUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; errorCode?: string; issues?: ValidationIssue[]; resource?: string; principal?: string } }>;
}

/**
 * A GraphQL error as the shared domain error the JobApi promises, with the service's code (`errorCode`: INVALID_NONCE,
 * INVALID_JOB_STATE…) kept: NOT_FOUND, CONFLICT (the service's IllegalState and Conflict both answer CONFLICT) are
 * refusals; BAD_USER_INPUT is the caller's mistake, FORBIDDEN/UNAUTHENTICATED a credential problem; anything else means
 * the service is unavailable.
 */
export function jobApiErrorOf(error: NonNullable<GraphQLAnswer<unknown>['errors']>[number]): Error {
  const code = error.extensions?.code;
  const errorCode = errorCodeOf(error.extensions?.errorCode);
  switch (code) {
    case 'NOT_FOUND': {
      const resource = error.extensions?.resource;
      return new NotFoundError(isNotFoundResource(resource) ? resource : 'job', '', error.message, errorCode);
    }
    case 'CONFLICT':
      return new ConflictError(error.message, errorCode);
    case 'BAD_USER_INPUT':
      return new ValidationError(error.extensions?.issues ?? [{ path: '$', message: error.message, code: 'bad_user_input' }], 'The job API refused the request', errorCode);
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return new AccessDeniedError(error.extensions?.principal ?? 'worker', `${code}: ${error.message}`);
    default:
      return new JobApiUnavailableError(`${code ?? 'ERROR'}: ${error.message}`);
  }
}

interface JobDataOutput extends Omit<JobData, 'executionId' | 'pipeline' | 'inputArtifacts'> {
  pipelineName: string;
  pipelineExecutionId: string;
  inputArtifacts: Array<{ name: string; location: string }>;
}

const JOB_DATA = `pipelineName pipelineExecutionId stageName actionName actionExecutionId
  actionTypeId { category owner provider version } configuration commands environmentVariables { name value type }
  inputArtifacts { name location } outputArtifacts { name files } outputVariables namespace
  sourceRevision { actionName revisionType revisionId revisionSummary revisionUrl } continuationToken deadline`;

const POLL = `mutation($actionTypeId: ActionTypeIdInput!, $maxBatchSize: Int, $waitMs: Int) {
  pollForJobs(actionTypeId: $actionTypeId, maxBatchSize: $maxBatchSize, waitMs: $waitMs) { id nonce accountId masks data { ${JOB_DATA} } } }`;
const POLL_ANY = `mutation($actionTypeIds: [ActionTypeIdInput!]!, $maxBatchSize: Int, $waitMs: Int) {
  pollForAnyJobs(actionTypeIds: $actionTypeIds, maxBatchSize: $maxBatchSize, waitMs: $waitMs) { id nonce accountId masks data { ${JOB_DATA} } } }`;
const ACKNOWLEDGE = 'mutation($jobId: ID!, $nonce: String!) { acknowledgeJob(jobId: $jobId, nonce: $nonce) { status } }';
const HEARTBEAT = 'mutation($jobId: ID!, $nonce: String!) { heartbeat(jobId: $jobId, nonce: $nonce) { leaseExpiresAt } }';
const SUCCESS = `mutation($jobId: ID!, $outputArtifacts: [ArtifactLocationInput!], $outputVariables: [OutputVariableInput!], $executionDetails: ExecutionDetailsInput, $sourceRevision: SourceRevisionInput) {
  putJobSuccessResult(jobId: $jobId, outputArtifacts: $outputArtifacts, outputVariables: $outputVariables, executionDetails: $executionDetails, sourceRevision: $sourceRevision) }`;
const FAILURE = 'mutation($jobId: ID!, $failureDetails: FailureDetailsInput!) { putJobFailureResult(jobId: $jobId, failureDetails: $failureDetails) }';
const RELEASE = 'mutation($jobId: ID!, $nonce: String!, $reason: String) { releaseJob(jobId: $jobId, nonce: $nonce, reason: $reason) }';
const APPEND_LOGS = 'mutation($jobId: ID!, $nonce: String!, $entries: [JobLogEntryInput!]!) { appendJobLogs(jobId: $jobId, nonce: $nonce, entries: $entries) }';

const polledJobOf = (job: { id: string; nonce: string; accountId: string; masks?: string[]; data: JobDataOutput }): PolledJob => {
  const { pipelineName, pipelineExecutionId, ...rest } = job.data;
  const data = { ...rest, executionId: pipelineExecutionId, pipeline: { account: job.accountId, name: pipelineName } };
  return { id: job.id, nonce: job.nonce, accountId: job.accountId, data, masks: job.masks ?? [] };
};

/**
 * The job-worker protocol over HTTP: the executions subgraph's job mutations, through the gateway or
 * straight to the subgraph. Errors come back as the `JobApi` promises (see `jobApiErrorOf`).
 */
export function graphqlJobApi(options: GraphQLJobApiOptions): JobApi {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const call = async <T>(query: string, variables: Record<string, unknown>, extraMs = 0, signal?: AbortSignal): Promise<T> => {
    const bound = AbortSignal.timeout(timeoutMs + extraMs);
    let response: Response;
    let answer: GraphQLAnswer<T> | undefined;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify({ query, variables }),
        signal: signal ? AbortSignal.any([signal, bound]) : bound,
      });
      if ((response.headers.get('content-type') ?? '').includes('json')) answer = (await response.json()) as GraphQLAnswer<T>;
    } catch (error) {
      throw new JobApiUnavailableError(`The job API at ${options.url} could not be reached: ${(error as Error).message}`, { cause: error });
    }
    const first = answer?.errors?.[0];
    if (first) throw jobApiErrorOf(first);
    if (!response.ok || !answer?.data) throw new JobApiUnavailableError(`The job API at ${options.url} answered HTTP ${response.status} without data.`);
    return answer.data;
  };

  return {
    async pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, poll: PollForJobsOptions = {}): Promise<PolledJob[]> {
      const waitMs = poll.waitMs ?? 0;
      try {
        const data = await call<{ pollForJobs: Array<{ id: string; nonce: string; accountId: string; data: JobDataOutput }> }>(POLL, { actionTypeId, maxBatchSize, waitMs }, waitMs, poll.signal);
        return data.pollForJobs.map(polledJobOf);
      } catch (error) {
        if (poll.signal?.aborted) return [];
        throw error;
      }
    },
    async pollForAnyJobs(actionTypeIds: readonly ActionTypeId[], maxBatchSize: number, poll: PollForJobsOptions = {}): Promise<PolledJob[]> {
      const waitMs = poll.waitMs ?? 0;
      try {
        const data = await call<{ pollForAnyJobs: Array<{ id: string; nonce: string; accountId: string; data: JobDataOutput }> }>(POLL_ANY, { actionTypeIds, maxBatchSize, waitMs }, waitMs, poll.signal);
        return data.pollForAnyJobs.map(polledJobOf);
      } catch (error) {
        if (poll.signal?.aborted) return [];
        throw error;
      }
    },
    async acknowledgeJob(jobId, nonce) {
      return (await call<{ acknowledgeJob: { status: string } }>(ACKNOWLEDGE, { jobId, nonce })).acknowledgeJob;
    },
    async releaseJob(jobId, nonce, reason) {
      return (await call<{ releaseJob: boolean }>(RELEASE, { jobId, nonce, reason })).releaseJob;
    },
    async heartbeat(jobId, nonce) {
      return (await call<{ heartbeat: { leaseExpiresAt: string } }>(HEARTBEAT, { jobId, nonce })).heartbeat;
    },
    async putJobSuccessResult(jobId: string, result: JobSuccessResult) {
      await call(SUCCESS, {
        jobId,
        outputArtifacts: result.outputArtifacts ?? [],
        outputVariables: Object.entries(result.outputVariables ?? {}).map(([name, value]) => ({ name, value })),
        executionDetails: { summary: result.executionSummary ?? null, externalExecutionId: result.externalExecutionId ?? null, externalExecutionUrl: result.externalExecutionUrl ?? null },
        sourceRevision: result.sourceRevision ?? null,
      });
    },
    async putJobFailureResult(jobId: string, failure: JobFailureResult) {
      await call(FAILURE, { jobId, failureDetails: { type: failure.type, message: failure.message, externalExecutionId: failure.externalExecutionId ?? null } });
    },
    async appendJobLogs(jobId: string, nonce: string, entries: JobLogEntry[]) {
      await call(APPEND_LOGS, { jobId, nonce, entries: entries.map(({ sequence, stream, chunk, at }) => ({ sequence, stream, chunk, at })) });
    },
  };
}
