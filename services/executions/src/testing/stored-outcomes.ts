import type { RecordedEvent } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX } from '@sluice/contracts';

/** How often each fact is in the store: what "recorded exactly once" is checked against. */
export interface StoredOutcomes {
  /** Per `{execution}/{stage}/{action}`: ActionExecutionSucceeded and ActionExecutionFailed events. */
  actionResults: Map<string, number>;
  /** Per job: JobSucceeded and JobFailed events. */
  jobResults: Map<string, number>;
  jobsCreated: Map<string, number>;
  /** Per execution: its final status event, if any. */
  finalStatus: Map<string, string>;
}

const FINAL = new Set(['PipelineExecutionSucceeded', 'PipelineExecutionFailed', 'PipelineExecutionStopped', 'PipelineExecutionSuperseded']);

export function storedOutcomes(events: readonly RecordedEvent[]): StoredOutcomes {
  const outcomes: StoredOutcomes = { actionResults: new Map(), jobResults: new Map(), jobsCreated: new Map(), finalStatus: new Map() };
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const event of events) {
    if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
      const executionId = event.streamId.slice(EXECUTION_STREAM_PREFIX.length);
      if (event.type === 'ActionExecutionSucceeded' || event.type === 'ActionExecutionFailed') {
        const data = event.data as { stageName: string; actionName: string };
        count(outcomes.actionResults, `${executionId}/${data.stageName}/${data.actionName}`);
      }
      if (FINAL.has(event.type)) outcomes.finalStatus.set(executionId, event.type.replace('PipelineExecution', ''));
    }
    if (event.streamId.startsWith(JOB_STREAM_PREFIX)) {
      const jobId = event.streamId.slice(JOB_STREAM_PREFIX.length);
      if (event.type === 'JobSucceeded' || event.type === 'JobFailed') count(outcomes.jobResults, jobId);
      if (event.type === 'JobCreated') count(outcomes.jobsCreated, jobId);
    }
  }
  return outcomes;
}

/** The counts that are not 1, for a readable failure. */
export function notExactlyOnce(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].filter(([, n]) => n !== 1);
}
