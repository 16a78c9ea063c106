import type { ActionTypeId } from '@sluice/domain';
import type { JobOutcome } from '../execution/execution-commands';
import { addMilliseconds, hasPassed } from '../time';
import type { JobLease, JobState } from './job-state';

/** How long a worker has to acknowledge a dispatched job, and between heartbeats once it has. */
export interface JobQueuePolicy {
  acknowledgeWithinMs: number;
  heartbeatWithinMs: number;
}

export const defaultJobQueuePolicy: JobQueuePolicy = { acknowledgeWithinMs: 60_000, heartbeatWithinMs: 5 * 60_000 };

type LeasedJob = Extract<JobState, { status: 'Dispatched' | 'InProgress' }>;

export function isLeased(job: JobState): job is LeasedJob {
  return job.status === 'Dispatched' || job.status === 'InProgress';
}

export function isFinished(job: JobState): boolean {
  return job.status === 'Succeeded' || job.status === 'Failed' || job.status === 'TimedOut' || job.status === 'Cancelled';
}

/** A dispatched job nobody acknowledged in time, or an acknowledged one whose worker went silent. */
export function leaseExpired(job: JobState, now: string): boolean {
  return isLeased(job) && hasPassed(job.lease.expiresAt, now);
}

export function pastDeadline(job: JobState, now: string): boolean {
  return job.status !== 'NotCreated' && !isFinished(job) && hasPassed(job.spec.deadline, now);
}

/** What pollForJobs may hand out now: queued work, or work whose lease ran out, while its action still has time. */
export function pollable(job: JobState, now: string): boolean {
  if (pastDeadline(job, now)) return false;
  return job.status === 'Queued' || leaseExpired(job, now);
}

export function matchesActionType(job: JobState, actionTypeId: ActionTypeId): boolean {
  if (job.status === 'NotCreated') return false;
  const own = job.spec.actionTypeId;
  return own.category === actionTypeId.category && own.owner === actionTypeId.owner && own.provider === actionTypeId.provider && own.version === actionTypeId.version;
}

export function dispatchLease(nonce: string, workerId: string, now: string, policy: JobQueuePolicy): JobLease {
  return { nonce, workerId, expiresAt: addMilliseconds(now, policy.acknowledgeWithinMs) };
}

export function heartbeatLeaseEnd(now: string, policy: JobQueuePolicy): string {
  return addMilliseconds(now, policy.heartbeatWithinMs);
}

/** The end of a finished job, in the terms the execution applies; null while it is not finished. */
export function jobOutcome(job: JobState): JobOutcome | null {
  switch (job.status) {
    case 'Succeeded':
      return { status: 'Succeeded', result: job.result };
    case 'Failed':
      return { status: 'Failed', failure: job.failure };
    case 'TimedOut':
      return { status: 'TimedOut' };
    case 'NotCreated':
    case 'Queued':
    case 'Dispatched':
    case 'InProgress':
    case 'Cancelled':
      return null;
  }
}
