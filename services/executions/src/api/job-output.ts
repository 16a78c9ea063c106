import type { JobDetails, Job } from '../application/job-worker-api';
import type { JobSpec } from '@sluice/contracts';

/** CodePipeline's JobData names: the pipeline by name, the execution as pipelineExecutionId. */
export function jobDataOutput(spec: JobSpec) {
  const { executionId, pipeline, jobId: _jobId, secretNames: _secretNames, ...rest } = spec;
  return { ...rest, pipelineName: pipeline.name, pipelineExecutionId: executionId };
}

export const jobOutput = (job: Job) => ({ id: job.id, nonce: job.nonce, accountId: job.accountId, data: jobDataOutput(job.data), masks: job.masks });

export const jobDetailsOutput = (details: JobDetails) => ({
  id: details.id,
  accountId: details.accountId,
  status: details.status,
  data: jobDataOutput(details.data),
  nonce: details.nonce ?? null,
});
