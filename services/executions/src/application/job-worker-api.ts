import type { ActionTypeId, CommandMetadata } from '@sluice/domain';
import {
  ConflictError,
  IllegalStateError,
  NotFoundError,
  jobStreamId,
  type JobCommand,
  type JobFailureType,
  type JobSpec,
  type JobState,
  type SourceRevision,
} from '../domain';
import type { JobQueueIndex } from '../projections/job-queue-index';
import type { StreamStates } from '../projections/stream-states';
import type { AggregateCommands } from './aggregate-commands';
import type { Clock, IdGenerator } from './caller';
import type { StreamWriter } from './stream-writer';

/** CodePipeline's `Job`: what pollForJobs hands a worker. */
export interface Job {
  id: string;
  /** Pass it to acknowledgeJob and heartbeat: proves this worker holds the job. */
  nonce: string;
  accountId: string;
  data: JobSpec;
}

export interface PollForJobsOptions {
  /** Long poll: wait up to this long for a job when none is waiting (default 0: answer at once). */
  waitMs?: number;
  workerId?: string;
  /** Only jobs of this account's pipelines. */
  account?: string | null;
  signal?: AbortSignal;
}

export interface JobSuccessInput {
  outputArtifacts?: Array<{ name: string; location: string }>;
  outputVariables?: Record<string, string>;
  executionSummary?: string | null;
  externalExecutionId?: string | null;
  externalExecutionUrl?: string | null;
  sourceRevision?: SourceRevision | null;
  /** The work goes on: the engine hands out a follow-up job carrying this token. */
  continuationToken?: string | null;
}

export interface JobFailureInput {
  type: JobFailureType;
  message: string;
  externalExecutionId?: string | null;
}

export interface JobDetails {
  id: string;
  accountId: string;
  data: JobSpec;
  status: JobState['status'];
}

/** The job-worker protocol, the only way work leaves the engine (the built-in worker uses it too). */
export interface JobWorkerApi {
  pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options?: PollForJobsOptions): Promise<Job[]>;
  acknowledgeJob(jobId: string, nonce: string): Promise<{ status: 'InProgress' }>;
  /** Keeps an acknowledged job's lease: a worker that stops heart-beating loses the job to the next poll. */
  heartbeat(jobId: string, nonce: string): Promise<{ leaseExpiresAt: string }>;
  putJobSuccessResult(jobId: string, result: JobSuccessInput): Promise<void>;
  putJobFailureResult(jobId: string, failure: JobFailureInput): Promise<void>;
  getJobDetails(jobId: string): Promise<JobDetails>;
}

export interface JobWorkerHandlersDeps {
  commands: AggregateCommands;
  writer: StreamWriter;
  states: StreamStates;
  jobQueue: JobQueueIndex;
  clock: Clock;
  ids: IdGenerator;
}

/** A job someone else took, or that ended, between our look at the queue and our dispatch. */
const lostRace = (error: unknown): boolean => error instanceof ConflictError || error instanceof IllegalStateError || error instanceof NotFoundError;

export class JobWorkerHandlers implements JobWorkerApi {
  constructor(private readonly deps: JobWorkerHandlersDeps) {}

  /** Dispatches up to `maxBatchSize` waiting jobs; with none, waits for the queue's signal (not a sleep loop) until `waitMs`. */
  async pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options: PollForJobsOptions = {}): Promise<Job[]> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    const workerId = options.workerId ?? this.deps.ids();
    for (let round = 0; ; round += 1) {
      const candidates = this.deps.jobQueue.pollable(actionTypeId, this.deps.clock().toISOString(), options.account ?? null);
      // Re-look at once after lost races (others took them meanwhile); the wait must start right after a look that found nothing.
      if (candidates.length > 0 && round < 100) {
        const tried = candidates.slice(0, maxBatchSize).map((job) => this.dispatch(job.spec, workerId));
        const taken = (await Promise.all(tried)).filter((job): job is Job => job !== null);
        if (taken.length > 0) return taken;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) return [];
      await this.deps.jobQueue.whenAvailable(actionTypeId, remaining, options.signal);
    }
  }

  async acknowledgeJob(jobId: string, nonce: string): Promise<{ status: 'InProgress' }> {
    await this.fresh(jobId, (metadata) => ({ type: 'AcknowledgeJob', jobId, nonce, metadata }));
    return { status: 'InProgress' };
  }

  async heartbeat(jobId: string, nonce: string): Promise<{ leaseExpiresAt: string }> {
    await this.fresh(jobId, (metadata) => ({ type: 'RecordJobHeartbeat', jobId, nonce, metadata }));
    const job = this.deps.states.job(jobId).state;
    return { leaseExpiresAt: job.status === 'InProgress' || job.status === 'Dispatched' ? job.lease.expiresAt : this.deps.clock().toISOString() };
  }

  async putJobSuccessResult(jobId: string, result: JobSuccessInput): Promise<void> {
    await this.fresh(jobId, (metadata) => ({
      type: 'PutJobSuccessResult',
      jobId,
      result: {
        outputArtifacts: result.outputArtifacts ?? [],
        outputVariables: result.outputVariables ?? {},
        executionSummary: result.executionSummary ?? null,
        externalExecutionId: result.externalExecutionId ?? null,
        externalExecutionUrl: result.externalExecutionUrl ?? null,
        sourceRevision: result.sourceRevision ?? null,
        continuationToken: result.continuationToken ?? null,
      },
      metadata,
    }));
  }

  async putJobFailureResult(jobId: string, failure: JobFailureInput): Promise<void> {
    await this.fresh(jobId, (metadata) => ({
      type: 'PutJobFailureResult',
      jobId,
      failure: { type: failure.type, message: failure.message, externalExecutionId: failure.externalExecutionId ?? null },
      metadata,
    }));
  }

  async getJobDetails(jobId: string): Promise<JobDetails> {
    await this.deps.writer.catchUp(jobStreamId(jobId));
    const job = this.deps.states.job(jobId).state;
    if (job.status === 'NotCreated') throw new NotFoundError('job', jobId);
    return { id: jobId, accountId: job.spec.pipeline.account, data: job.spec, status: job.status };
  }

  private async dispatch(spec: JobSpec, workerId: string): Promise<Job | null> {
    const nonce = this.deps.ids();
    try {
      await this.deps.commands.job({ type: 'DispatchJob', jobId: spec.jobId, nonce, workerId, metadata: this.metadata(spec.pipeline.account, workerId) });
    } catch (error) {
      if (lostRace(error)) return null;
      throw error;
    }
    const job = this.deps.states.job(spec.jobId).state;
    if (job.status !== 'Dispatched' || job.lease.nonce !== nonce) return null;
    return { id: spec.jobId, nonce, accountId: spec.pipeline.account, data: job.spec };
  }

  /**
   * Decides on the state this process knows; if the job refuses the command, reads what other nodes wrote
   * (a worker may poll one node and answer another) and decides once more before the refusal stands.
   */
  private async fresh(jobId: string, command: (metadata: CommandMetadata) => JobCommand): Promise<void> {
    const streamId = jobStreamId(jobId);
    if (this.deps.states.revisionOf(streamId) < 0n) await this.deps.writer.catchUp(streamId);
    const job = this.deps.states.job(jobId).state;
    if (job.status === 'NotCreated') throw new NotFoundError('job', jobId);
    const account = job.spec.pipeline.account;
    try {
      await this.deps.commands.job(command(this.metadata(account, 'worker')));
    } catch (error) {
      if (!lostRace(error)) throw error;
      const before = this.deps.states.revisionOf(streamId);
      await this.deps.writer.catchUp(streamId);
      if (this.deps.states.revisionOf(streamId) === before) throw error;
      await this.deps.commands.job(command(this.metadata(account, 'worker')));
    }
  }

  private metadata(account: string, actor: string): CommandMetadata {
    return { now: this.deps.clock().toISOString(), account, actor, correlationId: this.deps.ids() };
  }
}
