import type { RecordedEvent } from '@sluice/eventing';

/**
 * What the gateway reads of the executions service's stored events: stream ids and the few data fields
 * every update needs. The gateway never imports the executions service; these names are its published
 * stream layout (`execution-{executionId}`, `lanes-{account}.{pipelineName}`).
 */
export const EXECUTION_STREAM_PREFIX = 'execution-';
export const LANES_STREAM_PREFIX = 'lanes-';
export const JOB_STREAM_PREFIX = 'job-';

export interface ExecutionEventData {
  stageName?: string;
  actionName?: string;
  /** Lanes events: the execution the lane decision is about. */
  executionId?: string;
  /** `ApprovalResultRecorded`. */
  status?: string;
  /** `PipelineExecutionStarted`: the pipeline the execution runs. */
  inputs?: { pipeline?: { account?: string; name?: string } };
}

export const dataOf = (event: RecordedEvent): ExecutionEventData =>
  typeof event.data === 'object' && event.data !== null ? (event.data as ExecutionEventData) : {};

export function executionIdOfStream(streamId: string): string | undefined {
  return streamId.startsWith(EXECUTION_STREAM_PREFIX) ? streamId.slice(EXECUTION_STREAM_PREFIX.length) : undefined;
}

/** Accounts hold no '.', so the first '.' of a lanes stream id ends the account. */
export function pipelineOfLanesStream(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(LANES_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(LANES_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), name: rest.slice(dot + 1) } : undefined;
}

export const lanesStreamId = (account: string, pipelineName: string): string => `${LANES_STREAM_PREFIX}${account}.${pipelineName}`;
