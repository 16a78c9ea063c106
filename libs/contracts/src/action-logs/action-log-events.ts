import { createHash } from 'node:crypto';


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

/** A name-based UUID: a chunk sent again (a retried batch) gets the id it had, and the store keeps it once. */
function nameBasedUuid(parts: readonly unknown[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
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
