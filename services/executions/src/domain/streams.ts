/**
 * Stream ids of the executions service's aggregates. Accounts hold no '.', so the first '.' of a
 * lanes stream id separates the account from the pipeline name (which may hold dots).
 */
export interface PipelineRef {
  account: string;
  name: string;
}

export const EXECUTION_STREAM_PREFIX = 'execution-';
// Not `pipeline-lanes-`: a subscriber to the pipelines service's `pipeline-` prefix would read it as a pipeline of account `lanes`.
export const LANES_STREAM_PREFIX = 'lanes-';
export const JOB_STREAM_PREFIX = 'job-';

export function executionStreamId(executionId: string): string {
  return `${EXECUTION_STREAM_PREFIX}${executionId}`;
}

export function lanesStreamId(pipeline: PipelineRef): string {
  return `${LANES_STREAM_PREFIX}${pipeline.account}.${pipeline.name}`;
}

export function jobStreamId(jobId: string): string {
  return `${JOB_STREAM_PREFIX}${jobId}`;
}
