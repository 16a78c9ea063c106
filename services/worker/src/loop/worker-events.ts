import type { JobFailureType } from '../job-api/job-api';

/** What the loop did, for the operator's log and for tests; `error` is what the job API or the worker threw. */
export type WorkerEvent =
  | { type: 'PollFailed'; actionType: string; error: unknown; retryInMs: number }
  | { type: 'JobLeftToLease'; jobId: string; reason: string }
  | { type: 'JobReleased'; jobId: string; reason: string }
  | { type: 'AcknowledgeFailed'; jobId: string; error: unknown }
  | { type: 'JobStarted'; jobId: string; actionType: string; pipelineExecutionId: string; stageName: string; actionName: string }
  | { type: 'HeartbeatFailed'; jobId: string; error: unknown }
  | { type: 'JobLost'; jobId: string; reason: string }
  | { type: 'JobSucceeded'; jobId: string; durationMs: number }
  | { type: 'JobFailed'; jobId: string; failureType: JobFailureType; message: string; durationMs: number }
  | { type: 'ResultRefused'; jobId: string; error: unknown }
  | { type: 'ReportFailed'; jobId: string; error: unknown; attempts: number }
  /** Log chunks not stored: the buffer was full, the service refused them, or it could not be reached in time. */
  | { type: 'LogsDropped'; jobId: string; chunks: number; reason: string }
  /** The job's workspace could not be removed after its result was reported (the result stands). */
  | { type: 'WorkspaceNotRemoved'; jobId: string; error: unknown };

/** The default sink: problems go to stderr, a job's progress and output are left to the service. */
export function logProblems(event: WorkerEvent): void {
  switch (event.type) {
    case 'PollFailed':
      console.warn(`worker: polling ${event.actionType} failed, again in ${event.retryInMs} ms:`, event.error);
      return;
    case 'AcknowledgeFailed':
    case 'HeartbeatFailed':
    case 'ResultRefused':
    case 'WorkspaceNotRemoved':
      console.warn(`worker: job ${event.jobId}: ${event.type}:`, event.error);
      return;
    case 'ReportFailed':
      console.warn(`worker: job ${event.jobId}: its result could not be reported after ${event.attempts} attempts (the lease will hand it out again):`, event.error);
      return;
    case 'JobLost':
    case 'JobLeftToLease':
      console.warn(`worker: job ${event.jobId}: ${event.type}: ${event.reason}`);
      return;
    case 'LogsDropped':
      console.warn(`worker: job ${event.jobId}: ${event.chunks} log chunk(s) dropped: ${event.reason}`);
      return;
    case 'JobReleased':
    case 'JobStarted':
    case 'JobSucceeded':
    case 'JobFailed':
      return;
  }
}
