import { assertNever, type Decider } from '@sluice/domain';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../errors';
import { refusedOutputs } from './artifact-claims';
import { isThirdPartyJob, requireClientToken } from './client-token';
import type { AcknowledgeJob, DispatchJob, JobCommand, PutJobFailureResult, PutJobSuccessResult, RecordJobHeartbeat, ReleaseJob } from './job-commands';
import type { JobEvent } from '@sluice/contracts';
import { defaultJobQueuePolicy, dispatchLease, heartbeatLeaseEnd, isFinished, isLeased, leaseExpired, pastDeadline, pollable, type JobQueuePolicy } from './job-queue';
import { evolveJob, initialJobState, type JobState } from './job-state';

type CreatedJob = Exclude<JobState, { status: 'NotCreated' }>;

export function decideJob(command: JobCommand, state: JobState, policy: JobQueuePolicy = defaultJobQueuePolicy): JobEvent[] {
  const now = command.metadata.now;
  if (command.type === 'CreateJob') {
    // The action execution's event names the job once: a second create (another engine instance) is the same job.
    return state.status === 'NotCreated' ? [{ type: 'JobCreated', data: { spec: command.spec, createdAt: now } }] : [];
  }
  if (state.status === 'NotCreated') throw new NotFoundError('job', command.jobId);
  switch (command.type) {
    case 'DispatchJob':
      return dispatch(command, state, policy);
    case 'AcknowledgeJob':
      return acknowledge(command, state, policy);
    case 'RecordJobHeartbeat':
      return heartbeat(command, state, policy);
    case 'PutJobSuccessResult':
      requireClientToken(state, command.clientTokenSha256);
      requireAcknowledged(command, state);
      requireOwnOutputs(command, state);
      return [{ type: 'JobSucceeded', data: { jobId: command.jobId, result: command.result, at: now } }];
    case 'PutJobFailureResult':
      requireClientToken(state, command.clientTokenSha256);
      requireAcknowledged(command, state);
      return [{ type: 'JobFailed', data: { jobId: command.jobId, failure: command.failure, at: now } }];
    case 'RequeueJob':
      return isLeased(state) && leaseExpired(state, now) ? [requeued(state, now)] : [];
    case 'TimeOutJob':
      return pastDeadline(state, now) ? [{ type: 'JobTimedOut', data: { jobId: command.jobId, deadline: state.spec.deadline, at: now } }] : [];
    case 'CancelJob':
      return isFinished(state) ? [] : [{ type: 'JobCancelled', data: { jobId: command.jobId, reason: command.reason, at: now } }];
    case 'ReleaseJob':
      return release(command, state);
    case 'RefuseJob':
      return isFinished(state) ? [] : [{ type: 'JobFailed', data: { jobId: command.jobId, failure: command.failure, at: now } }];
    default:
      return assertNever(command);
  }
}

function dispatch(command: DispatchJob, state: CreatedJob, policy: JobQueuePolicy): JobEvent[] {
  const now = command.metadata.now;
  if (!pollable(state, now)) {
    if (state.status === 'Dispatched' || state.status === 'InProgress') throw new ConflictError(`Job '${command.jobId}' is held by another worker.`, 'JOB_ALREADY_HELD');
    throw new IllegalStateError(`Job '${command.jobId}' is ${describe(state, now)} and cannot be handed out.`, 'INVALID_JOB_STATE');
  }
  const lease = dispatchLease(command.nonce, command.workerId, now, policy);
  const handedOver: JobEvent[] = isLeased(state) ? [requeued(state, now)] : [];
  const dispatched: JobEvent = {
    type: 'JobDispatched',
    data: { jobId: command.jobId, nonce: lease.nonce, workerId: lease.workerId, leaseExpiresAt: lease.expiresAt, at: now },
  };
  // A third-party job is acknowledged with its client token, which only the worker's own call carries.
  if (!command.claim || isThirdPartyJob(state)) return [...handedOver, dispatched];
  // Claimed, the job keeps the dispatch lease until the worker's first heartbeat: a claim nobody acts on (lost between
  // the append and the job's start) goes back on the queue as soon as an unacknowledged dispatch would, not after the
  // heartbeat lease.
  const acknowledged: JobEvent = { type: 'JobAcknowledged', data: { jobId: command.jobId, nonce: lease.nonce, leaseExpiresAt: lease.expiresAt, at: now } };
  return [...handedOver, dispatched, acknowledged];
}

function acknowledge(command: AcknowledgeJob, state: CreatedJob, policy: JobQueuePolicy): JobEvent[] {
  const now = command.metadata.now;
  requireClientToken(state, command.clientTokenSha256);
  if (state.status === 'InProgress' && state.lease.nonce === command.nonce) return [];
  if (state.status !== 'Dispatched') throw new IllegalStateError(`Job '${command.jobId}' is ${state.status}: there is nothing to acknowledge.`, 'INVALID_JOB_STATE');
  if (state.lease.nonce !== command.nonce) throw new ConflictError(`The nonce does not match job '${command.jobId}': it was handed to another worker.`, 'INVALID_NONCE');
  if (isThirdPartyJob(state)) {
    // A third-party worker does not heartbeat (CodePipeline has no such call for it): the job is its until the action's deadline.
    const data = { jobId: command.jobId, nonce: command.nonce, leaseExpiresAt: state.spec.deadline, at: now, clientTokenSha256: command.clientTokenSha256! };
    return [{ type: 'JobAcknowledged', data }];
  }
  return [{ type: 'JobAcknowledged', data: { jobId: command.jobId, nonce: command.nonce, leaseExpiresAt: heartbeatLeaseEnd(now, policy), at: now } }];
}

function heartbeat(command: RecordJobHeartbeat, state: CreatedJob, policy: JobQueuePolicy): JobEvent[] {
  const now = command.metadata.now;
  requireClientToken(state, command.clientTokenSha256);
  if (state.status !== 'InProgress') throw new IllegalStateError(`Job '${command.jobId}' is ${state.status}: stop working on it.`, 'INVALID_JOB_STATE');
  if (state.lease.nonce !== command.nonce) throw new ConflictError(`The nonce does not match job '${command.jobId}': it was handed to another worker.`, 'INVALID_NONCE');
  return [{ type: 'JobHeartbeatRecorded', data: { jobId: command.jobId, leaseExpiresAt: heartbeatLeaseEnd(now, policy), at: now } }];
}

function release(command: ReleaseJob, state: CreatedJob): JobEvent[] {
  if (!isLeased(state) || state.lease.workerId !== command.workerId) return [];
  if (command.nonce !== undefined && state.lease.nonce !== command.nonce) return [];
  return [
    { type: 'JobRequeued', data: { jobId: command.jobId, reason: 'WorkerStopped', previousWorkerId: command.workerId, detail: command.reason, at: command.metadata.now } },
  ];
}

/** A result is taken once, from a job a worker acknowledged; a late or duplicate result is refused. */
function requireAcknowledged(command: PutJobSuccessResult | PutJobFailureResult, state: CreatedJob): void {
  if (state.status === 'InProgress') return;
  if (isFinished(state)) throw new IllegalStateError(`Job '${command.jobId}' is already ${state.status}: its result was recorded once.`, 'INVALID_JOB_STATE');
  throw new IllegalStateError(`Job '${command.jobId}' is ${state.status}: acknowledge it before putting its result.`, 'INVALID_JOB_STATE');
}

/** A result names only its inputs and bytes its account may name (decision 0027); a refused one changes nothing. */
function requireOwnOutputs(command: PutJobSuccessResult, state: CreatedJob): void {
  if (command.claims === null) return;
  const issues = refusedOutputs(state.spec, command.result, command.claims);
  if (issues.length > 0) throw new ValidationError(issues, `The result of job '${command.jobId}' names artifacts of no input and not of its account.`);
}

function requeued(state: Extract<JobState, { status: 'Dispatched' | 'InProgress' }>, now: string): JobEvent {
  return {
    type: 'JobRequeued',
    data: {
      jobId: state.spec.jobId,
      reason: state.status === 'Dispatched' ? 'NotAcknowledged' : 'HeartbeatMissed',
      previousWorkerId: state.lease.workerId,
      at: now,
    },
  };
}

function describe(state: CreatedJob, now: string): string {
  return pastDeadline(state, now) ? 'past its deadline' : state.status;
}

export function jobDecider(policy: JobQueuePolicy = defaultJobQueuePolicy): Decider<JobCommand, JobEvent, JobState> {
  return { initialState: initialJobState, decide: (command, state) => decideJob(command, state, policy), evolve: evolveJob };
}
