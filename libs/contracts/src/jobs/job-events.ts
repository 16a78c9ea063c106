import type { JobFailure, JobSpec, JobSuccess } from './job-spec';

/** Events of the `job-{id}` stream: the durable queue entry of one action's work. */
export type JobEvent =
  | JobCreated
  | JobDispatched
  | JobAcknowledged
  | JobHeartbeatRecorded
  | JobRequeued
  | JobSucceeded
  | JobFailed
  | JobTimedOut
  | JobCancelled;

export interface JobCreated {
  type: 'JobCreated';
  data: { spec: JobSpec; createdAt: string };
}

/** Handed to a worker by pollForJobs; it must acknowledge with the nonce before `leaseExpiresAt`. */
export interface JobDispatched {
  type: 'JobDispatched';
  data: { jobId: string; nonce: string; workerId: string; leaseExpiresAt: string; at: string };
}

/**
 * The worker took the job; it must heartbeat before `leaseExpiresAt`, or the job goes back on the queue. A
 * third-party job (owner ThirdParty) is bound to the client token it was acknowledged with: the event keeps the
 * token's SHA-256 only (absent for other jobs and on older events).
 */
export interface JobAcknowledged {
  type: 'JobAcknowledged';
  data: { jobId: string; nonce: string; leaseExpiresAt: string; at: string; clientTokenSha256?: string };
}

export interface JobHeartbeatRecorded {
  type: 'JobHeartbeatRecorded';
  data: { jobId: string; leaseExpiresAt: string; at: string };
}

/** Why a job went back on the queue: its worker did not acknowledge, went silent, or is known to have stopped. */
export type JobRequeueReason = 'NotAcknowledged' | 'HeartbeatMissed' | 'WorkerStopped';

export interface JobRequeued {
  type: 'JobRequeued';
  /** `detail`: how the worker is known to have stopped (WorkerStopped only). */
  data: { jobId: string; reason: JobRequeueReason; previousWorkerId: string; detail?: string; at: string };
}

export interface JobSucceeded {
  type: 'JobSucceeded';
  data: { jobId: string; result: JobSuccess; at: string };
}

export interface JobFailed {
  type: 'JobFailed';
  data: { jobId: string; failure: JobFailure; at: string };
}

export interface JobTimedOut {
  type: 'JobTimedOut';
  data: { jobId: string; deadline: string; at: string };
}

/** The action no longer wants the work (abandoned): a worker's later result is refused. */
export interface JobCancelled {
  type: 'JobCancelled';
  data: { jobId: string; reason: string; at: string };
}
