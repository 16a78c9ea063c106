import type { ActionTypeId } from '@sluice/domain';
import type { GraphQLResponse } from '@sluice/graphql-service/testing';
import type { Job, JobDetails, JobFailureInput, JobSuccessInput, JobWorkerApi, PollForJobsOptions } from '../application/job-worker-api';
import type { JobSpec, JobState } from '../domain';

/** The GraphQL error of an answer, as an Error carrying its code. */
export class GraphQLCallError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${code ?? 'ERROR'}: ${message}`);
  }
}

interface JobDataOutput extends Omit<JobSpec, 'jobId' | 'executionId' | 'pipeline'> {
  pipelineName: string;
  pipelineExecutionId: string;
}

const JOB_DATA = `pipelineName pipelineExecutionId pipelineVersion stageName actionName actionExecutionId
  actionTypeId { category owner provider version } configuration commands environmentVariables { name value type }
  inputArtifacts { name location producedBy { stageName actionName } } outputArtifacts { name files } outputVariables namespace
  sourceRevision { actionName revisionType revisionId revisionSummary revisionUrl } continuationToken deadline`;

const specOf = (id: string, accountId: string, data: JobDataOutput): JobSpec => {
  const { pipelineName, pipelineExecutionId, ...rest } = data;
  return { ...rest, jobId: id, executionId: pipelineExecutionId, pipeline: { account: accountId, name: pipelineName } };
};

/**
 * The job-worker protocol spoken over HTTP to the executions subgraph, as an external worker would:
 * the engine's `JobWorkerApi` shape, so the in-process test worker runs unchanged against the service.
 */
export function graphqlJobWorkerApi(url: string, headers: Record<string, string> = {}): JobWorkerApi {
  const call = async <T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const answer = (await res.json()) as GraphQLResponse<T>;
    const error = answer.errors?.[0];
    if (error) throw new GraphQLCallError(error.extensions?.code, error.message);
    return answer.data!;
  };
  return {
    async pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options: PollForJobsOptions = {}): Promise<Job[]> {
      const query = `mutation($actionTypeId: ActionTypeIdInput!, $maxBatchSize: Int, $waitMs: Int) {
        pollForJobs(actionTypeId: $actionTypeId, maxBatchSize: $maxBatchSize, waitMs: $waitMs) { id nonce accountId data { ${JOB_DATA} } } }`;
      try {
        const data = await call<{ pollForJobs: Array<{ id: string; nonce: string; accountId: string; data: JobDataOutput }> }>(
          query,
          { actionTypeId, maxBatchSize, waitMs: options.waitMs ?? 0 },
          options.signal,
        );
        return data.pollForJobs.map((job) => ({ id: job.id, nonce: job.nonce, accountId: job.accountId, data: specOf(job.id, job.accountId, job.data) }));
      } catch (error) {
        if (options.signal?.aborted) return [];
        throw error;
      }
    },
    async acknowledgeJob(jobId, nonce) {
      const data = await call<{ acknowledgeJob: { status: 'InProgress' } }>('mutation($jobId: ID!, $nonce: String!) { acknowledgeJob(jobId: $jobId, nonce: $nonce) { status } }', { jobId, nonce });
      return data.acknowledgeJob;
    },
    async heartbeat(jobId, nonce) {
      const data = await call<{ heartbeat: { leaseExpiresAt: string } }>('mutation($jobId: ID!, $nonce: String!) { heartbeat(jobId: $jobId, nonce: $nonce) { leaseExpiresAt } }', { jobId, nonce });
      return data.heartbeat;
    },
    async putJobSuccessResult(jobId: string, result: JobSuccessInput) {
      const query = `mutation($jobId: ID!, $outputArtifacts: [ArtifactLocationInput!], $outputVariables: [OutputVariableInput!], $executionDetails: ExecutionDetailsInput, $sourceRevision: SourceRevisionInput, $continuationToken: String) {
        putJobSuccessResult(jobId: $jobId, outputArtifacts: $outputArtifacts, outputVariables: $outputVariables, executionDetails: $executionDetails, sourceRevision: $sourceRevision, continuationToken: $continuationToken) }`;
      await call(query, {
        jobId,
        outputArtifacts: result.outputArtifacts ?? [],
        outputVariables: Object.entries(result.outputVariables ?? {}).map(([name, value]) => ({ name, value })),
        executionDetails: { summary: result.executionSummary ?? null, externalExecutionId: result.externalExecutionId ?? null, externalExecutionUrl: result.externalExecutionUrl ?? null },
        sourceRevision: result.sourceRevision ?? null,
        continuationToken: result.continuationToken ?? null,
      });
    },
    async putJobFailureResult(jobId: string, failure: JobFailureInput) {
      const query = 'mutation($jobId: ID!, $failureDetails: FailureDetailsInput!) { putJobFailureResult(jobId: $jobId, failureDetails: $failureDetails) }';
      await call(query, { jobId, failureDetails: { type: failure.type, message: failure.message, externalExecutionId: failure.externalExecutionId ?? null } });
    },
    async getJobDetails(jobId: string): Promise<JobDetails> {
      const query = `query($jobId: ID!) { getJobDetails(jobId: $jobId) { id accountId status data { ${JOB_DATA} } } }`;
      const data = await call<{ getJobDetails: { id: string; accountId: string; status: JobState['status']; data: JobDataOutput } }>(query, { jobId });
      const details = data.getJobDetails;
      return { id: details.id, accountId: details.accountId, status: details.status, data: specOf(details.id, details.accountId, details.data) };
    },
  };
}
