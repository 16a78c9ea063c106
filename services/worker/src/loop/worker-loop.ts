import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ArchiveLimits, ArtifactStore } from '@sluice/artifact-store';
import { actionTypeKey, type ActionTypeId, type ActionTypeIdLike } from '@sluice/domain';
import type { JobApi, PolledJob } from '../job-api/job-api';
import { pollableActionType } from '../job-api/pollable-action-type';
import type { ActionProvider } from '../providers/action-provider';
import { JobCancellation } from './job-cancellation';
import { JobSlots } from './job-slots';
import { DEFAULT_LOG_SHIPPING, type LogShippingOptions } from './log-shipper';
import { pause, PollBackoff, type PollBackoffOptions } from './poll-backoff';
import type { ReportRetry } from './report-result';
import { ExtractedInputs } from '../workspace/extracted-inputs';
import { runPolledJob, type JobRunContext } from './run-polled-job';
import { logProblems, type WorkerEvent } from './worker-events';

/** The engine's own job API (in-process) also takes back the jobs of a worker that stops (`ExecutionsEngine.releaseJobs`). */
interface JobReleasingApi {
  releaseJobs(workers: { workerId: string }, reason: string): Promise<unknown>;
}

export interface WorkerOptions {
  jobApi: JobApi;
  /** The providers by `actionTypeKey` (`providerRegistry(...)`). */
  providers: ReadonlyMap<string, ActionProvider>;
  /** Where input artifacts are read from and output artifacts written to. */
  store: ArtifactStore;
  /**
   * Where a job's output artifacts go instead of `store`: a worker outside the platform's process uploads them
   * through the gateway, so that the job's account holds the claim on them (decision 0038).
   */
  outputStoreFor?: (job: PolledJob) => ArtifactStore;
  /** Jobs run at once, at most (2). */
  concurrency?: number;
  /** Action types to poll (every type of `providers` by default). */
  actionTypes?: readonly ActionTypeIdLike[];
  /** Names this worker in the service's leases (`<host>-<pid>-<random>`). */
  workerId?: string;
  /** Between heartbeats of a running job (30 s); keep it well under the service's heartbeat lease (5 min). */
  heartbeatIntervalMs?: number;
  /** Long-poll wait when a slot is free for every action type (20 s). */
  pollWaitMs?: number;
  /** Poll wait while other action types wait for a slot, so they take turns (1 s). */
  contendedPollWaitMs?: number;
  /** After a failed poll (250 ms doubling up to 30 s). */
  pollBackoff?: PollBackoffOptions;
  /** How long `stop()` lets running jobs finish before it aborts them (30 s). */
  stopGraceMs?: number;
  /** Delivery of a result when the service cannot be reached (5 attempts from 500 ms, doubling). */
  reportRetry?: ReportRetry;
  /** Parent of the jobs' workspaces (`<tmp>/sluice-jobs`). */
  workspaceRoot?: string;
  archiveLimits?: Partial<ArchiveLimits>;
  /** How jobs' output goes to `appendJobLogs`: batches of 100 ms or 32 KiB, a 1 MiB buffer (DEFAULT_LOG_SHIPPING). */
  logShipping?: Partial<LogShippingOptions>;
  /** What the loop did; problems go to stderr by default. */
  log?: (event: WorkerEvent) => void;
}

export interface Worker {
  readonly workerId: string;
  readonly concurrency: number;
  /** Ids of the jobs running now. */
  runningJobs(): string[];
  /**
   * Stops polling, lets running jobs finish for `graceMs`, then aborts the rest (their process trees
   * are killed) and reports them failed; what it still holds then goes back on the queue when the job API
   * can take it back. Resolves once every job has ended; calling it again waits too.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Resolves once `stop()` has finished. */
  readonly done: Promise<void>;
}

/**
 * The job loop: one long-polling loop per action type, sharing `concurrency` slots. A poller reserves
 * a slot before it polls and the job it gets keeps it, so no more than `concurrency` jobs ever run,
 * and a slot that frees is polled again at once. Poll errors back off and never end the loop.
 */
export function startWorker(options: WorkerOptions): Worker {
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const slots = new JobSlots(options.concurrency ?? 2);
  const sink = options.log ?? logProblems;
  const emit = (event: WorkerEvent): void => {
    try {
      sink(event);
    } catch (error) {
      console.warn('worker: the log sink threw:', error);
    }
  };
  const pollWaitMs = options.pollWaitMs ?? 20_000;
  const contendedPollWaitMs = Math.min(pollWaitMs, options.contendedPollWaitMs ?? 1_000);
  const context: JobRunContext = {
    api: options.jobApi,
    workerId,
    providers: options.providers,
    store: options.store,
    ...(options.outputStoreFor ? { outputStoreFor: options.outputStoreFor } : {}),
    workspaceRoot: options.workspaceRoot,
    archiveLimits: options.archiveLimits,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    reportRetry: options.reportRetry ?? { attempts: 5, initialDelayMs: 500 },
    logShipping: { ...DEFAULT_LOG_SHIPPING, ...options.logShipping },
    emit,
  };
  // Inputs extracted once, copied into each job that takes them.
  const inputs = new ExtractedInputs(options.workspaceRoot);
  context.inputs = inputs;
  const stopping = new AbortController();
  const running = new Map<string, { cancellation: JobCancellation; ended: Promise<void> }>();

  const start = (job: PolledJob): void => {
    const cancellation = new JobCancellation();
    const ended = runPolledJob(job, cancellation, context)
      .catch(async (error: unknown) => {
        console.error(`worker: job ${job.id} ended with an error of the loop:`, error);
        // A job the loop failed on is not left leased to this worker until its lease runs out.
        await giveBack(job, `failed to run it: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        running.delete(job.id);
        slots.release();
      });
    running.set(job.id, { cancellation, ended });
  };

  const pollLoop = async (actionTypeId: ActionTypeId): Promise<void> => {
    const backoff = new PollBackoff(options.pollBackoff ?? { initialMs: 250, maxMs: 30_000 });
    let gotJob = false;
    while (await slots.acquire(stopping.signal, gotJob)) {
      gotJob = false;
      let failure: { error: unknown } | null = null;
      try {
        if (stopping.signal.aborted) break;
        const [job] = await pollOnce(actionTypeId);
        backoff.reset();
        // A job dispatched while the worker stops is not run: it is given back at once where the job API can
        // take it (releaseJob), else its short dispatch lease hands it to another worker.
        if (job !== undefined && stopping.signal.aborted) await giveBack(job, 'is stopping');
        else if (job !== undefined) {
          gotJob = true;
          start(job);
        }
      } catch (error) {
        failure = { error };
      } finally {
        if (!gotJob) slots.release();
      }
      if (failure !== null) {
        const retryInMs = backoff.nextDelayMs();
        emit({ type: 'PollFailed', actionType: actionTypeKey(actionTypeId), error: failure.error, retryInMs });
        await pause(retryInMs, stopping.signal);
      }
    }
  };

  /** `why` follows "the worker": "is stopping", "failed to run it: …". */
  const giveBack = async (job: PolledJob, why: string): Promise<void> => {
    const released = await options.jobApi.releaseJob?.(job.id, job.nonce, `the worker ${workerId} ${why}`).catch(() => false);
    const reason = `the worker ${why}`;
    emit(released ? { type: 'JobReleased', jobId: job.id, reason } : { type: 'JobLeftToLease', jobId: job.id, reason });
  };

  /** One job at most: the poller holds one slot. */
  const pollOnce = async (actionTypeId: ActionTypeId): Promise<PolledJob[]> => {
    const cut = new AbortController();
    const long = !slots.contended;
    const forget = long ? slots.cutWhenContended(cut) : () => undefined;
    try {
      const signal = AbortSignal.any([stopping.signal, cut.signal]);
      return await options.jobApi.pollForJobs(actionTypeId, 1, { waitMs: long ? pollWaitMs : contendedPollWaitMs, workerId, signal, claim: true });
    } finally {
      forget();
    }
  };

  /**
   * With a job API that polls every type at once: one loop that reserves every free slot, polls for that many jobs
   * of any type and starts them all, so the actions of a stage start together and a slot never waits on an idle type.
   */
  const dispatchLoop = async (pollAny: NonNullable<JobApi['pollForAnyJobs']>, types: ActionTypeId[]): Promise<void> => {
    const backoff = new PollBackoff(options.pollBackoff ?? { initialMs: 250, maxMs: 30_000 });
    while (await slots.acquire(stopping.signal)) {
      const reserved = 1 + slots.takeFree();
      let started = 0;
      let failure: { error: unknown } | null = null;
      try {
        const jobs = await pollAny.call(options.jobApi, types, reserved, { waitMs: pollWaitMs, workerId, signal: stopping.signal, claim: true });
        backoff.reset();
        for (const job of jobs) {
          if (stopping.signal.aborted) await giveBack(job, 'is stopping');
          else {
            start(job);
            started += 1;
          }
        }
      } catch (error) {
        failure = { error };
      } finally {
        for (let i = started; i < reserved; i += 1) slots.release();
      }
      if (failure !== null) {
        const retryInMs = backoff.nextDelayMs();
        emit({ type: 'PollFailed', actionType: types.map((id) => actionTypeKey(id)).join(','), error: failure.error, retryInMs });
        await pause(retryInMs, stopping.signal);
      }
    }
  };

  const actionTypes = (options.actionTypes ?? [...options.providers.values()].map((provider) => provider.actionTypeId)).map((id) => {
    if (!options.providers.has(actionTypeKey(id))) throw new RangeError(`no provider for ${actionTypeKey(id)}`);
    return pollableActionType(id);
  });
  const pollAny = options.jobApi.pollForAnyJobs;
  const pollers = typeof pollAny === 'function' ? dispatchLoop(pollAny, actionTypes) : Promise.all(actionTypes.map((id) => pollLoop(id)));

  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopped: Promise<void> | undefined;

  const stopAll = async (graceMs: number): Promise<void> => {
    stopping.abort();
    await pollers;
    const jobs = [...running.values()];
    const allEnded = Promise.all(jobs.map((job) => job.ended));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(() => resolve('grace-over'), graceMs)));
    if ((await Promise.race([allEnded, graceOver])) === 'grace-over') {
      for (const job of running.values()) job.cancellation.cancel({ kind: 'WorkerStopped' });
    }
    clearTimeout(timer);
    await allEnded;
    try {
      await deregister();
    } finally {
      await inputs.close();
      resolveDone();
    }
  };

  /**
   * What this worker still holds once it stops (a job dispatched while stopping, a result it could not deliver)
   * goes back on the queue at once when the job API can take it back (the engine in-process: `releaseJobs`),
   * instead of waiting out its lease; a job API over HTTP has no such call, and the lease hands those jobs on.
   */
  const deregister = async (): Promise<void> => {
    const api = options.jobApi as JobApi & Partial<JobReleasingApi>;
    if (typeof api.releaseJobs === 'function') await api.releaseJobs({ workerId }, 'it was shut down');
  };

  return {
    workerId,
    concurrency: slots.size,
    runningJobs: () => [...running.keys()],
    stop: (stopOptions = {}) => (stopped ??= stopAll(stopOptions.graceMs ?? options.stopGraceMs ?? 30_000)),
    done,
  };
}
