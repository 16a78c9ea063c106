import { nameBasedUuid } from '../name-based-uuid';


export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStreamName = (typeof LOG_STREAMS)[number];

/**
 * One chunk of an action's output as the worker wrote it; `sequence` counts per job from 0 (per attempt: a job
 * handed out again starts over). The platform's own notes (`stream: system`) have sequence -1.
 */
export interface ActionLogAppended {
  type: 'ActionLogAppended';
  data: {
    pipelineExecutionId: string;
    pipelineName: string;
    stageName: string;
    actionName: string;
    actionExecutionId: string;
    jobId: string;
    sequence: number;
    stream: LogStreamName;
    chunk: string;
    at: string;
  };
}

/** The id of a worker's chunk: per job, attempt (how many times it was handed out) and sequence. */
export function logEventIdFor(jobId: string, sequence: number, attempt = 1): string {
  return nameBasedUuid(attempt === 1 ? ['action-log', jobId, sequence] : ['action-log', jobId, attempt, sequence]);
}

/** The platform's note opening an attempt of a job ("attempt 2: …"), whichever engine instance writes it. */
export function attemptNoteEventIdFor(jobId: string, attempt: number): string {
  return nameBasedUuid(['action-log-attempt', jobId, attempt]);
}

/** The one truncation notice of an action execution, whichever engine instance writes it. */
export function truncationEventIdFor(actionExecutionId: string): string {
  return nameBasedUuid(['action-log-truncated', actionExecutionId]);
}
