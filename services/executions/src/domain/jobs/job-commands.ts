import type { CommandMetadata } from '@sluice/domain';
import type { ArtifactClaims } from './artifact-claims';
import type { JobFailure, JobSpec, JobSuccess } from '@sluice/contracts';

/** The job-worker protocol (pollForJobs, acknowledgeJob, put*Result, heartbeat) and the engine's housekeeping. */
export type JobCommand =
  | CreateJob
  | DispatchJob
  | AcknowledgeJob
  | RecordJobHeartbeat
  | PutJobSuccessResult
  | PutJobFailureResult
  | RequeueJob
  | TimeOutJob
  | CancelJob
  | ReleaseJob
  | RefuseJob;

export interface CreateJob {
  type: 'CreateJob';
  jobId: string;
  spec: JobSpec;
  metadata: CommandMetadata;
}

/** pollForJobs picked this job for a worker; `nonce` comes with the command like every id. */
export interface DispatchJob {
  type: 'DispatchJob';
  jobId: string;
  nonce: string;
  workerId: string;
  /**
   * The worker takes the job in one step: dispatched and acknowledged in one append (decision 0060). Only the
   * platform's own worker asks; a worker of the job protocol (GraphQL, `/aws`) acknowledges as CodePipeline's do.
   */
  claim?: boolean;
  metadata: CommandMetadata;
}

export interface AcknowledgeJob {
  type: 'AcknowledgeJob';
  jobId: string;
  nonce: string;
  /** The client token the call presented, as its SHA-256: a third-party job's calls must (client-token.ts). */
  clientTokenSha256?: string;
  metadata: CommandMetadata;
}

export interface RecordJobHeartbeat {
  type: 'RecordJobHeartbeat';
  jobId: string;
  nonce: string;
  /** The client token the call presented, as its SHA-256: a third-party job's calls must (client-token.ts). */
  clientTokenSha256?: string;
  metadata: CommandMetadata;
}

export interface PutJobSuccessResult {
  type: 'PutJobSuccessResult';
  jobId: string;
  result: JobSuccess;
  /**
   * The claims on the addresses the result names that are not inputs of the job (read by the application),
   * or null when the platform's own built-in worker reports: it wrote those bytes itself (decision 0027).
   */
  claims: ArtifactClaims | null;
  /** The client token the call presented, as its SHA-256: a third-party job's calls must (client-token.ts). */
  clientTokenSha256?: string;
  metadata: CommandMetadata;
}

export interface PutJobFailureResult {
  type: 'PutJobFailureResult';
  jobId: string;
  failure: JobFailure;
  /** The client token the call presented, as its SHA-256: a third-party job's calls must (client-token.ts). */
  clientTokenSha256?: string;
  metadata: CommandMetadata;
}

/** Engine: puts a job whose lease ran out back on the queue; a job still leased is left alone. */
export interface RequeueJob {
  type: 'RequeueJob';
  jobId: string;
  metadata: CommandMetadata;
}

/** Engine: ends a job past its action's deadline; an earlier call changes nothing. */
export interface TimeOutJob {
  type: 'TimeOutJob';
  jobId: string;
  metadata: CommandMetadata;
}

export interface CancelJob {
  type: 'CancelJob';
  jobId: string;
  reason: string;
  metadata: CommandMetadata;
}

/**
 * The worker holding the job is known to be gone (its process was restarted, it deregistered): the job goes
 * back on the queue at once instead of waiting out the lease. Only that worker's lease is released; a job
 * another worker holds by now, or one that ended, is left alone.
 */
export interface ReleaseJob {
  type: 'ReleaseJob';
  jobId: string;
  workerId: string;
  /** When the holder itself gives the job back (releaseJob): only the lease of this nonce is released. */
  nonce?: string;
  /** Why the worker is known to be gone, for the action's log ("the platform restarted"). */
  reason: string;
  metadata: CommandMetadata;
}

/** The job must not be handed out (it names bytes its account may not read): it fails before any worker runs it. */
export interface RefuseJob {
  type: 'RefuseJob';
  jobId: string;
  failure: JobFailure;
  metadata: CommandMetadata;
}
