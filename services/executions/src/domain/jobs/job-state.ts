import { assertNever } from '@sluice/domain';
import type { JobEvent, JobFailure, JobSpec, JobSuccess } from '@sluice/contracts';

export type JobState =
  | { status: 'NotCreated' }
  | { status: 'Queued'; spec: JobSpec; createdAt: string; dispatches: number }
  | { status: 'Dispatched'; spec: JobSpec; createdAt: string; dispatches: number; lease: JobLease }
  | { status: 'InProgress'; spec: JobSpec; createdAt: string; dispatches: number; lease: JobLease }
  | { status: 'Succeeded'; spec: JobSpec; createdAt: string; result: JobSuccess; at: string }
  | { status: 'Failed'; spec: JobSpec; createdAt: string; failure: JobFailure; at: string }
  | { status: 'TimedOut'; spec: JobSpec; createdAt: string; at: string }
  | { status: 'Cancelled'; spec: JobSpec; createdAt: string; reason: string; at: string };

export type JobStatus = JobState['status'];

export interface JobLease {
  nonce: string;
  workerId: string;
  expiresAt: string;
  /** A third-party job's client token (its SHA-256), from its acknowledgement on (client-token.ts). */
  clientTokenSha256?: string;
}

export const initialJobState: JobState = { status: 'NotCreated' };

export function evolveJob(state: JobState, event: JobEvent): JobState {
  if (event.type === 'JobCreated') return { status: 'Queued', spec: event.data.spec, createdAt: event.data.createdAt, dispatches: 0 };
  if (state.status === 'NotCreated') return state;
  const { spec, createdAt } = state;
  switch (event.type) {
    case 'JobDispatched': {
      const dispatches = 'dispatches' in state ? state.dispatches + 1 : 1;
      const lease = { nonce: event.data.nonce, workerId: event.data.workerId, expiresAt: event.data.leaseExpiresAt };
      return { status: 'Dispatched', spec, createdAt, dispatches, lease };
    }
    case 'JobAcknowledged':
      if (state.status !== 'Dispatched') return state;
      return {
        ...state,
        status: 'InProgress',
        lease: { ...state.lease, expiresAt: event.data.leaseExpiresAt, ...(event.data.clientTokenSha256 ? { clientTokenSha256: event.data.clientTokenSha256 } : {}) },
      };
    case 'JobHeartbeatRecorded':
      return state.status === 'InProgress' ? { ...state, lease: { ...state.lease, expiresAt: event.data.leaseExpiresAt } } : state;
    case 'JobRequeued':
      return state.status === 'Dispatched' || state.status === 'InProgress' ? { status: 'Queued', spec, createdAt, dispatches: state.dispatches } : state;
    case 'JobSucceeded':
      return { status: 'Succeeded', spec, createdAt, result: event.data.result, at: event.data.at };
    case 'JobFailed':
      return { status: 'Failed', spec, createdAt, failure: event.data.failure, at: event.data.at };
    case 'JobTimedOut':
      return { status: 'TimedOut', spec, createdAt, at: event.data.at };
    case 'JobCancelled':
      return { status: 'Cancelled', spec, createdAt, reason: event.data.reason, at: event.data.at };
    default:
      return assertNever(event);
  }
}
