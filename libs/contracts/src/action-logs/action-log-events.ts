import { nameBasedUuid } from '../name-based-uuid';


export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStreamName = (typeof LOG_STREAMS)[number];

/**
 * Where an entry's text is in the log store (docs/decisions/0049): a slice of one stored chunk (`key`, its sha256),
 * `offset` and `size` in bytes, the slice's own `sha256`, and how many lines it ends.
 */
export interface ActionLogChunkRef {
  key: string;
  offset: number;
  size: number;
  sha256: string;
  lines: number;
  /** The execution whose chunk it is, alone (docs/decisions/0056); absent on chunks written before, which may be shared. */
  owner?: string;
}

/**
 * One chunk of an action's output as the worker wrote it; `sequence` counts per job from 0 (per attempt: a job
 * handed out again starts over). The platform's own notes (`stream: system`) have sequence -1.
 * The text is in the log store, at `chunkRef` (docs/decisions/0049); events written before it hold it inline as
 * `chunk`. Exactly one of the two is present.
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
    chunk?: string;
    chunkRef?: ActionLogChunkRef;
    at: string;
  };
}

/** The entry's size in bytes, wherever its text is. */
export function actionLogBytesOf(data: Pick<ActionLogAppended['data'], 'chunk' | 'chunkRef'>): number {
  return data.chunkRef !== undefined ? data.chunkRef.size : new TextEncoder().encode(data.chunk ?? '').length;
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
