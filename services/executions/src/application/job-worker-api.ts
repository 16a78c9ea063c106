import { createHash } from 'node:crypto';
import type { ActionTypeId, CommandMetadata } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import { ConflictError, IllegalStateError, NotFoundError, isArtifactAddress, isLeased, requireClientToken, mayExtract, resolveJobSecrets, secretNamesToOpen, uploadArchiveOf, type JobCommand, type JobState } from '../domain';
import type { JobMasks, JobSecrets, OpenedSecret } from './job-secrets';
import { jobStreamId, type JobEvent, type JobFailureType, type JobRequeued, type JobSpec, type SourceRevision } from '@sluice/contracts';
import type { JobQueueIndex } from '../projections/job-queue-index';
import type { StreamStates } from '../projections/stream-states';
import type { AggregateCommands } from './aggregate-commands';
import type { ArtifactClaimsReader } from './artifact-claims-reader';
import type { Clock, IdGenerator, RandomSource } from './caller';
import type { CommandHandler } from '@sluice/eventing';

/** CodePipeline's `Job`: what pollForJobs hands a worker. */
export interface Job {
  id: string;
  /** Pass it to acknowledgeJob and heartbeat: proves this worker holds the job. */
  nonce: string;
  accountId: string;
  data: JobSpec;
  /**
   * The secrets' values this job received (decision 0043), and the JSON keys picked from them: a worker masks each in
   * the logs it ships. Empty for a job without secrets.
   */
  masks: string[];
  /** True when the poll also acknowledged it (`claim`, the platform's own worker): the worker runs it without acknowledgeJob. */
  acknowledged?: boolean;
  /**
   * A claimed job's lease: the dispatch lease's end, which only the worker's first heartbeat extends to the heartbeat
   * lease (decision 0060), so the worker sends that one well before.
   */
  leaseExpiresAt?: string;
}

/**
 * Who calls the job API (docs/decisions/0027). A worker of one account (over GraphQL: the account the gateway
 * took from its token) sees and reports that account's jobs only; another account's job answers as an unknown
 * one. The platform's own built-in worker, in the engine's process, serves every account, and the bytes it
 * reports are ones it wrote itself.
 */
export type JobCaller = { kind: 'Account'; account: string; clientToken?: string } | { kind: 'Platform' };

/** The client token a third-party call presented (client-token.ts), as the engine keeps it: its SHA-256. */
const clientTokenOf = (caller: JobCaller): { clientTokenSha256?: string } =>
  caller.kind === 'Account' && caller.clientToken !== undefined ? { clientTokenSha256: createHash('sha256').update(caller.clientToken).digest('hex') } : {};

/** The in-process built-in worker: what a call without a caller is (the worker package's `JobApi` names none). */
export const PLATFORM_WORKER: JobCaller = { kind: 'Platform' };

export const workerOfAccount = (account: string): JobCaller => ({ kind: 'Account', account });

export interface PollForJobsOptions {
  /** Long poll: wait up to this long for a job when none is waiting (default 0: answer at once). */
  waitMs?: number;
  workerId?: string;
  /** Only jobs of this account's pipelines. */
  account?: string | null;
  signal?: AbortSignal;
  /**
   * Hand each job out already acknowledged, in one append (decision 0060): what the platform's own worker asks, as it
   * would acknowledge the job the moment it has it. Ignored for a poll of one account's worker (`account`), which
   * acknowledges as CodePipeline's workers do.
   */
  claim?: boolean;
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
  /** A third-party job's current nonce (what AcknowledgeThirdPartyJob takes), to a call presenting a client token only. */
  nonce?: string;
}

/** Which workers a release hands the jobs of back: one, or every id with a prefix but one (the current). */
export type ReleasedWorkers = { workerId: string } | { workerIdPrefix: string; except?: string };

/**
 * The job-worker protocol, the only way work leaves the engine (the built-in worker uses it too). Every call
 * naming a job takes the caller last; without one it is the platform's own worker (PLATFORM_WORKER).
 */
export interface JobWorkerApi {
  pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options?: PollForJobsOptions): Promise<Job[]>;
  /**
   * As pollForJobs over several action types at once, oldest job first: what a worker serving many types polls
   * with, so that a free slot goes to whichever type has work (in-process; the GraphQL protocol stays per type).
   */
  pollForAnyJobs(actionTypeIds: readonly ActionTypeId[], maxBatchSize: number, options?: PollForJobsOptions): Promise<Job[]>;
  acknowledgeJob(jobId: string, nonce: string, caller?: JobCaller): Promise<{ status: 'InProgress' }>;
  /** Keeps an acknowledged job's lease: a worker that stops heart-beating loses the job to the next poll. */
  heartbeat(jobId: string, nonce: string, caller?: JobCaller): Promise<{ leaseExpiresAt: string }>;
  putJobSuccessResult(jobId: string, result: JobSuccessInput, caller?: JobCaller): Promise<void>;
  putJobFailureResult(jobId: string, failure: JobFailureInput, caller?: JobCaller): Promise<void>;
  getJobDetails(jobId: string, caller?: JobCaller): Promise<JobDetails>;
  /**
   * Workers known to be gone (a restarted process, one that deregisters): their jobs go back on the queue now,
   * not when the lease runs out. Resolves with the ids of the jobs released.
   */
  releaseJobs(workers: ReleasedWorkers, reason: string): Promise<string[]>;
  /**
   * The holder of a job (its nonce) gives it back because it stops: the job goes back on the queue at once,
   * as the next attempt. False when the nonce no longer holds it (it ended, or another worker has it).
   */
  releaseJob(jobId: string, nonce: string, reason: string, caller?: JobCaller): Promise<boolean>;
}

/** Writes the platform's own line into a job's action log (the log appender's `appendNote`). */
export type JobLogNotes = (spec: JobSpec, attempt: number, chunk: string) => Promise<void>;

export interface JobWorkerHandlersDeps {
  store: EventStore;
  commands: AggregateCommands;
  handler: CommandHandler;
  states: StreamStates;
  jobQueue: JobQueueIndex;
  claims: ArtifactClaimsReader;
  notes: JobLogNotes;
  clock: Clock;
  ids: IdGenerator;
  random: RandomSource;
  /** Opens the secrets a job references as it is handed out; without it, such a job fails (no master key here). */
  secrets?: JobSecrets;
  /** Where the values handed out are remembered, so that the logs appended for the job are masked too. */
  masks?: JobMasks;
}

/** A job someone else took, or that ended, between our look at the queue and our dispatch. */
const lostRace = (error: unknown): boolean => error instanceof ConflictError || error instanceof IllegalStateError || error instanceof NotFoundError;

type CreatedJob = Exclude<JobState, { status: 'NotCreated' }>;

export class JobWorkerHandlers implements JobWorkerApi {
  constructor(private readonly deps: JobWorkerHandlersDeps) {}

  /** Dispatches up to `maxBatchSize` waiting jobs; with none, waits for the queue's signal (not a sleep loop) until `waitMs`. */
  async pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options: PollForJobsOptions = {}): Promise<Job[]> {
    return this.pollForAnyJobs([actionTypeId], maxBatchSize, options);
  }

  async pollForAnyJobs(actionTypeIds: readonly ActionTypeId[], maxBatchSize: number, options: PollForJobsOptions = {}): Promise<Job[]> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    const workerId = options.workerId ?? this.deps.ids();
    const claim = options.claim === true && (options.account ?? null) === null;
    for (let round = 0; ; round += 1) {
      const now = this.deps.clock().toISOString();
      const candidates = actionTypeIds
        .flatMap((actionTypeId) => this.deps.jobQueue.pollable(actionTypeId, now, options.account ?? null))
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
      // Re-look at once after lost races (others took them meanwhile); the wait must start right after a look that found nothing.
      if (candidates.length > 0 && round < 100) {
        const settled = await Promise.allSettled(candidates.slice(0, maxBatchSize).map((job) => this.dispatch(job.spec, workerId, claim)));
        const taken = settled.flatMap((result) => (result.status === 'fulfilled' && result.value !== null ? [result.value] : []));
        const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed) {
          // The worker gets an error, not these jobs: leased to it, they would wait out their lease with nobody on them.
          await Promise.all(taken.map((job) => this.giveBack(job.data, job.nonce, workerId, failed.reason)));
          throw failed.reason;
        }
        if (taken.length > 0) return taken;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) return [];
      // Whichever type gets work first ends the wait; the other waits are cut at once.
      const settled = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, settled.signal]) : settled.signal;
      await Promise.race(actionTypeIds.map((actionTypeId) => this.deps.jobQueue.whenAvailable(actionTypeId, remaining, signal)));
      settled.abort();
    }
  }

  async acknowledgeJob(jobId: string, nonce: string, caller: JobCaller = PLATFORM_WORKER): Promise<{ status: 'InProgress' }> {
    await this.fresh(jobId, caller, (metadata) => ({ type: 'AcknowledgeJob', jobId, nonce, ...clientTokenOf(caller), metadata }));
    return { status: 'InProgress' };
  }

  async heartbeat(jobId: string, nonce: string, caller: JobCaller = PLATFORM_WORKER): Promise<{ leaseExpiresAt: string }> {
    await this.fresh(jobId, caller, (metadata) => ({ type: 'RecordJobHeartbeat', jobId, nonce, ...clientTokenOf(caller), metadata }));
    const job = this.deps.states.job(jobId).state;
    return { leaseExpiresAt: job.status === 'InProgress' || job.status === 'Dispatched' ? job.lease.expiresAt : this.deps.clock().toISOString() };
  }

  async putJobSuccessResult(jobId: string, input: JobSuccessInput, caller: JobCaller = PLATFORM_WORKER): Promise<void> {
    const result = {
      outputArtifacts: input.outputArtifacts ?? [],
      outputVariables: input.outputVariables ?? {},
      executionSummary: input.executionSummary ?? null,
      externalExecutionId: input.externalExecutionId ?? null,
      externalExecutionUrl: input.externalExecutionUrl ?? null,
      sourceRevision: input.sourceRevision ?? null,
      continuationToken: input.continuationToken ?? null,
    };
    const job = await this.visibleJob(jobId, caller);
    // The platform's own worker wrote what it reports; anybody else's addresses are checked against their claims.
    const inputs = new Set(job.spec.inputArtifacts.map((artifact) => artifact.location));
    const named = result.outputArtifacts.map((artifact) => artifact.location).filter((location) => isArtifactAddress(location) && !inputs.has(location));
    const claims = caller.kind === 'Platform' ? null : await this.deps.claims.claimsOn(named);
    await this.fresh(jobId, caller, (metadata) => ({ type: 'PutJobSuccessResult', jobId, result, claims, ...clientTokenOf(caller), metadata }));
  }

  async putJobFailureResult(jobId: string, failure: JobFailureInput, caller: JobCaller = PLATFORM_WORKER): Promise<void> {
    await this.fresh(jobId, caller, (metadata) => ({
      type: 'PutJobFailureResult',
      jobId,
      failure: { type: failure.type, message: failure.message, externalExecutionId: failure.externalExecutionId ?? null },
      ...clientTokenOf(caller),
      metadata,
    }));
  }

  async getJobDetails(jobId: string, caller: JobCaller = PLATFORM_WORKER): Promise<JobDetails> {
    await this.deps.handler.catchUp(jobStreamId(jobId), this.deps.states);
    const job = this.deps.states.job(jobId).state;
    if (job.status === 'NotCreated' || !visibleTo(job, caller)) throw new NotFoundError('job', jobId);
    const { clientTokenSha256 } = clientTokenOf(caller);
    requireClientToken(job, clientTokenSha256);
    const nonce = clientTokenSha256 !== undefined && isLeased(job) ? { nonce: job.lease.nonce } : {};
    return { id: jobId, accountId: job.spec.pipeline.account, data: job.spec, status: job.status, ...nonce };
  }

  async releaseJobs(workers: ReleasedWorkers, reason: string): Promise<string[]> {
    const released: string[] = [];
    for (const job of this.deps.jobQueue.leased()) {
      if (job.status !== 'Dispatched' && job.status !== 'InProgress') continue;
      const workerId = job.lease.workerId;
      const matches = 'workerId' in workers ? workerId === workers.workerId : workerId.startsWith(workers.workerIdPrefix) && workerId !== workers.except;
      if (!matches) continue;
      const jobId = job.spec.jobId;
      const { events } = await this.deps.commands.job({ type: 'ReleaseJob', jobId, workerId, reason, metadata: this.metadata(job.spec.pipeline.account, 'system') });
      if (events.length > 0) released.push(jobId);
    }
    return released;
  }

  async releaseJob(jobId: string, nonce: string, reason: string, caller: JobCaller = PLATFORM_WORKER): Promise<boolean> {
    const job = await this.visibleJob(jobId, caller);
    if (job.status !== 'Dispatched' && job.status !== 'InProgress') return false;
    if (job.lease.nonce !== nonce) return false;
    try {
      const { events } = await this.deps.commands.job({ type: 'ReleaseJob', jobId, workerId: job.lease.workerId, nonce, reason, metadata: this.metadata(job.spec.pipeline.account, 'worker') });
      return events.length > 0;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  private async dispatch(spec: JobSpec, workerId: string, claim: boolean): Promise<Job | null> {
    const account = spec.pipeline.account;
    if (await this.refusedUpload(spec)) return null;
    const secrets = await this.secretsFor(spec);
    if (secrets === null) return null;
    const nonce = this.deps.random();
    let dispatched: JobEvent[];
    try {
      const written = await this.deps.commands.job({ type: 'DispatchJob', jobId: spec.jobId, nonce, workerId, claim, metadata: this.metadata(account, workerId) });
      dispatched = written.events as JobEvent[];
    } catch (error) {
      if (lostRace(error)) return null;
      throw error;
    }
    const job = this.deps.states.job(spec.jobId).state;
    if ((job.status !== 'Dispatched' && job.status !== 'InProgress') || job.lease.nonce !== nonce) return null;
    const acknowledged = job.status === 'InProgress' ? { acknowledged: true, leaseExpiresAt: job.lease.expiresAt } : {};
    try {
      if (job.dispatches > 1) await this.noteAttempt(job.spec, job.dispatches, dispatched);
      if (!secrets) return { id: spec.jobId, nonce, accountId: account, data: job.spec, masks: [], ...acknowledged };
      // Audited before the values leave; the job's stored spec (and every event) keeps only the names.
      await this.deps.secrets!.recordUse(job.spec, secrets.opened, workerId);
    } catch (error) {
      // Leased to the worker, whose poll now fails: given back, not left to its lease.
      await this.giveBack(job.spec, nonce, workerId, error);
      throw error;
    }
    this.deps.masks?.remember(spec.jobId, [...[...secrets.opened.values()].map((secret) => secret.value), ...secrets.masks]);
    return { id: spec.jobId, nonce, accountId: account, data: secrets.spec, masks: secrets.masks, ...acknowledged };
  }

  /** A job this poll leased but cannot hand out (`error`): back on the queue at once, as the next attempt. */
  private async giveBack(spec: JobSpec, nonce: string, workerId: string, error: unknown): Promise<void> {
    const reason = `the poll that took it failed: ${error instanceof Error ? error.message : String(error)}`;
    await this.deps.commands.job({ type: 'ReleaseJob', jobId: spec.jobId, workerId, nonce, reason, metadata: this.metadata(spec.pipeline.account, 'system') });
  }

  /**
   * The job with its secrets put in (decision 0043), undefined when it references none, or null when it cannot have
   * them (a secret deleted since the definition was saved, a JSON key missing, no master key): the job then fails
   * with a ConfigurationError naming the secret, before any worker has it.
   */
  private async secretsFor(spec: JobSpec): Promise<{ spec: JobSpec; masks: string[]; opened: Map<string, OpenedSecret> } | null | undefined> {
    const names = secretNamesToOpen(spec);
    const referencesAny = names.length > 0 || spec.environmentVariables.some((variable) => variable.type === 'SECRETS_MANAGER');
    if (!referencesAny) return undefined;
    let message: string;
    if (!this.deps.secrets) message = 'The job references secrets, but this server has no master key to open them (SLUICE_ACCESS_KEY_MASTER_KEY or SLUICE_DATA_DIR).';
    else {
      const opened = await this.deps.secrets.open(spec, names);
      const resolved = resolveJobSecrets(spec, new Map([...opened].map(([name, secret]) => [name, secret.value])));
      if (resolved.ok) return { spec: resolved.spec, masks: resolved.values, opened };
      message = resolved.message;
    }
    const failure = { type: 'ConfigurationError' as const, message, externalExecutionId: null };
    try {
      await this.deps.commands.job({ type: 'RefuseJob', jobId: spec.jobId, failure, metadata: this.metadata(spec.pipeline.account, 'system') });
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
    return null;
  }

  /**
   * An Upload source must extract an archive its account may name (decision 0027): one started from another
   * account's archive (a revision or ObjectKey resolved from a variable) fails here, before any worker has it.
   */
  private async refusedUpload(spec: JobSpec): Promise<boolean> {
    const archive = uploadArchiveOf(spec.actionTypeId, spec.configuration, spec.sourceRevision);
    if (archive === null) return false;
    const account = spec.pipeline.account;
    const claims = await this.deps.claims.claimsOn([archive]);
    if (mayExtract(account, claims.get(archive))) return false;
    const failure = { type: 'RevisionUnavailable' as const, message: `The uploaded archive ${archive} was not found in account ${account}.`, externalExecutionId: null };
    try {
      await this.deps.commands.job({ type: 'RefuseJob', jobId: spec.jobId, failure, metadata: this.metadata(account, 'system') });
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
    return true;
  }

  /** Attempt 2 and later say in the action's log why the one before ended: the worker that held it is gone, or went silent. */
  private async noteAttempt(spec: JobSpec, attempt: number, decided: JobEvent[]): Promise<void> {
    const requeue = decided.find((event): event is JobRequeued => event.type === 'JobRequeued') ?? (await this.lastRequeue(spec.jobId));
    const worker = requeue ? `the worker ${requeue.data.previousWorkerId}` : 'the worker';
    const previous = attempt - 1;
    const why =
      requeue?.data.reason === 'WorkerStopped'
        ? `${worker} holding attempt ${previous} stopped${requeue.data.detail ? ` (${requeue.data.detail})` : ''}`
        : requeue?.data.reason === 'NotAcknowledged'
          ? `${worker} did not acknowledge attempt ${previous} in time`
          : `${worker} holding attempt ${previous} went silent (no heartbeat in time)`;
    await this.deps.notes(spec, attempt, `[sluice] attempt ${attempt}: ${why}; the job was handed out again.\n`);
  }

  private async lastRequeue(jobId: string): Promise<JobRequeued | undefined> {
    const events = await this.deps.store.readStream(jobStreamId(jobId), { direction: 'backwards' });
    return events.find((event) => event.type === 'JobRequeued') as unknown as JobRequeued | undefined;
  }

  /** The job, if the caller may see it; another account's job is as unknown as a job that never was. */
  private async visibleJob(jobId: string, caller: JobCaller): Promise<CreatedJob> {
    const streamId = jobStreamId(jobId);
    if (this.deps.states.revisionOf(streamId) < 0n) await this.deps.handler.catchUp(streamId, this.deps.states);
    const job = this.deps.states.job(jobId).state;
    if (job.status === 'NotCreated' || !visibleTo(job, caller)) throw new NotFoundError('job', jobId);
    return job;
  }

  /**
   * Decides on the state this process knows; if the job refuses the command, reads what other nodes wrote
   * (a worker may poll one node and answer another) and decides once more before the refusal stands.
   */
  private async fresh(jobId: string, caller: JobCaller, command: (metadata: CommandMetadata) => JobCommand): Promise<void> {
    const streamId = jobStreamId(jobId);
    const account = (await this.visibleJob(jobId, caller)).spec.pipeline.account;
    try {
      await this.deps.commands.job(command(this.metadata(account, 'worker')));
    } catch (error) {
      if (!lostRace(error)) throw error;
      const before = this.deps.states.revisionOf(streamId);
      await this.deps.handler.catchUp(streamId, this.deps.states);
      if (this.deps.states.revisionOf(streamId) === before) throw error;
      await this.deps.commands.job(command(this.metadata(account, 'worker')));
    }
  }

  private metadata(account: string, actor: string): CommandMetadata {
    return { now: this.deps.clock().toISOString(), account, actor, correlationId: this.deps.ids() };
  }
}

/** A job's account is its pipeline's: only that account's workers, and the platform's own, see it. */
export function visibleTo(job: CreatedJob, caller: JobCaller): boolean {
  return caller.kind === 'Platform' || job.spec.pipeline.account === caller.account;
}
