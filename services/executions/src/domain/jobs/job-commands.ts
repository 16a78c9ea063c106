import type { CommandMetadata } from '@sluice/domain';
import type { JobFailure, JobSpec, JobSuccess } from './job-spec';

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
  | CancelJob;

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
  metadata: CommandMetadata;
}

export interface AcknowledgeJob {
  type: 'AcknowledgeJob';
  jobId: string;
  nonce: string;
  metadata: CommandMetadata;
}

export interface RecordJobHeartbeat {
  type: 'RecordJobHeartbeat';
  jobId: string;
  nonce: string;
  metadata: CommandMetadata;
}

export interface PutJobSuccessResult {
  type: 'PutJobSuccessResult';
  jobId: string;
  result: JobSuccess;
  metadata: CommandMetadata;
}

export interface PutJobFailureResult {
  type: 'PutJobFailureResult';
  jobId: string;
  failure: JobFailure;
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
