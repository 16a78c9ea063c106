import type { ArchiveLimits, ArtifactStore } from '@sluice/artifact-store';
import { SpanKind } from '@opentelemetry/api';
import { actionTypeKey } from '@sluice/domain';
import { contextOfTraceparent, inSpan } from '@sluice/runtime';
import type { JobApi, JobFailureResult, PolledJob } from '../job-api/job-api';
import { failureResultOf, successResultOf } from '../job-api/job-results';
import { workerJobOf } from '../job-api/worker-job';
import type { ActionProvider, ProviderIo } from '../providers/action-provider';
import { ProviderFailure } from '../providers/provider-failure';
import { providerFor } from '../providers/provider-registry';
import type { ExtractedInputs } from '../workspace/extracted-inputs';
import { runJob, type CompletedJob } from '../workspace/run-job';
import type { JobCancellation } from './job-cancellation';
import { keepHeartbeat } from './job-heartbeat';
import { JobLogShipper, type LogShippingOptions } from './log-shipper';
import { maskSecrets, secretForms } from '@sluice/domain';
import { reportResult, type ReportRetry } from './report-result';
import type { WorkerEvent } from './worker-events';

export interface JobRunContext {
  api: JobApi;
  workerId: string;
  providers: ReadonlyMap<string, ActionProvider>;
  store: ArtifactStore;
  /** Where a job's outputs go when not into `store` (WorkerOptions.outputStoreFor). */
  outputStoreFor?: (job: PolledJob) => ArtifactStore;
  workspaceRoot?: string;
  archiveLimits?: Partial<ArchiveLimits>;
  inputs?: ExtractedInputs;
  heartbeatIntervalMs: number;
  reportRetry: ReportRetry;
  logShipping: LogShippingOptions;
  emit(event: WorkerEvent): void;
}

type Outcome = { status: 'Succeeded'; completed: CompletedJob } | { status: 'Failed'; failure: JobFailureResult };

/**
 * One polled job: acknowledge it (unless the poll did), heart-beat while the provider runs in its own workspace, report
 * the result. Never rejects: whatever goes wrong is reported to the service or emitted. Traced as one span, the child
 * of the engine step that created the job (its `traceContext`).
 */
export async function runPolledJob(job: PolledJob, cancellation: JobCancellation, context: JobRunContext): Promise<void> {
  const { data } = job;
  await inSpan(`job ${actionTypeKey(data.actionTypeId)}`, () => runPolledJobInSpan(job, cancellation, context), {
    parent: contextOfTraceparent(data.traceContext),
    kind: SpanKind.CONSUMER,
    attributes: { 'sluice.job.id': job.id, 'sluice.execution.id': data.executionId, 'sluice.stage': data.stageName, 'sluice.action': data.actionName, 'sluice.worker.id': context.workerId },
  });
}

async function runPolledJobInSpan(job: PolledJob, cancellation: JobCancellation, context: JobRunContext): Promise<void> {
  const { api, emit } = context;
  try {
    // A job claimed by the poll (decision 0060) is acknowledged already.
    if (!job.acknowledged) await api.acknowledgeJob(job.id, job.nonce);
  } catch (error) {
    // Refused: another worker has it. Unreachable: the dispatch lease hands it out again.
    emit({ type: 'AcknowledgeFailed', jobId: job.id, error });
    return;
  }
  const workspace: { remove?: () => Promise<void> } = {};
  try {
    await runAcknowledged(job, cancellation, context, (remove) => (workspace.remove = remove));
  } finally {
    // After the result, so that nobody waits for it; the job's slot is freed once the workspace is gone.
    await workspace.remove?.().catch((error: unknown) => emit({ type: 'WorkspaceNotRemoved', jobId: job.id, error }));
  }
}

/** An acknowledged job: heart-beat while it runs, ship its logs, report its result; its workspace goes to `removeLater`. */
async function runAcknowledged(job: PolledJob, cancellation: JobCancellation, context: JobRunContext, removeLater: (remove: () => Promise<void>) => void): Promise<void> {
  const { api, emit } = context;
  const data = job.data;
  emit({ type: 'JobStarted', jobId: job.id, actionType: actionTypeKey(data.actionTypeId), pipelineExecutionId: data.executionId, stageName: data.stageName, actionName: data.actionName });
  const started = Date.now();
  const heartbeat = keepHeartbeat(api, job.id, job.nonce, {
    intervalMs: context.heartbeatIntervalMs,
    ...claimedLease(job, context.heartbeatIntervalMs),
    onLost: (message) => cancellation.cancel({ kind: 'LeaseLost', message }),
    onError: (error) => emit({ type: 'HeartbeatFailed', jobId: job.id, error }),
  });
  const logs = new JobLogShipper(api, job.id, job.nonce, context.logShipping, emit, job.masks ?? []);
  let outcome: Outcome;
  try {
    outcome = await run(job, cancellation, logs, context, removeLater);
  } finally {
    // The last line is stored before the result, so whoever sees Succeeded or Failed can read it.
    await Promise.all([logs.close(), heartbeat.stop()]);
  }

  const cause = cancellation.cause;
  if (cause?.kind === 'LeaseLost' && outcome.status === 'Failed') {
    emit({ type: 'JobLost', jobId: job.id, reason: cause.message });
    return;
  }
  const durationMs = Date.now() - started;
  if (outcome.status === 'Succeeded') {
    const done = outcome.completed;
    if (await reportResult(job.id, () => api.putJobSuccessResult(job.id, successResultOf(done, data)), context.reportRetry, emit)) {
      emit({ type: 'JobSucceeded', jobId: job.id, durationMs });
    }
    return;
  }
  const stopped = cause?.kind === 'WorkerStopped' ? { ...outcome.failure, message: `The worker ${context.workerId} stopped before the job finished. ${outcome.failure.message}` } : outcome.failure;
  // A failure's message often quotes the command's last output: masked as the logs are (decision 0043).
  const failure = { ...stopped, message: maskSecrets(stopped.message, secretForms(job.masks ?? [])) };
  if (await reportResult(job.id, () => api.putJobFailureResult(job.id, failure), context.reportRetry, emit)) {
    emit({ type: 'JobFailed', jobId: job.id, failureType: failure.type, message: failure.message, durationMs });
  }
}

/**
 * A job the poll claimed holds the dispatch lease until its first heartbeat (decision 0060): that heartbeat goes within
 * a third of what is left of it (a failed one is tried again an interval later), at once if the lease is unknown.
 */
function claimedLease(job: PolledJob, intervalMs: number): { firstInMs?: number; leaseExpiresAt?: string } {
  if (!job.acknowledged) return {};
  if (job.leaseExpiresAt === undefined) return { firstInMs: 0 };
  return { firstInMs: Math.min(intervalMs, Math.max(0, (Date.parse(job.leaseExpiresAt) - Date.now()) / 3)), leaseExpiresAt: job.leaseExpiresAt };
}

async function run(job: PolledJob, cancellation: JobCancellation, logs: JobLogShipper, context: JobRunContext, removeLater: (remove: () => Promise<void>) => void): Promise<Outcome> {
  const data = job.data;
  const provider = providerFor(context.providers, data.actionTypeId);
  if (provider === undefined) return { status: 'Failed', failure: { type: 'ConfigurationError', message: `this worker has no provider for ${actionTypeKey(data.actionTypeId)}` } };
  const io: ProviderIo = { signal: cancellation.signal, log: (stream, chunk) => logs.write(stream, chunk), flush: () => logs.flush() };
  try {
    const completed = await runJob(provider, workerJobOf(job, Date.now()), io, {
      store: context.store,
      ...(context.outputStoreFor ? { outputStore: context.outputStoreFor(job) } : {}),
      root: context.workspaceRoot,
      archiveLimits: context.archiveLimits,
      inputs: context.inputs,
      removeLater,
    });
    return { status: 'Succeeded', completed };
  } catch (error) {
    if (error instanceof ProviderFailure) return { status: 'Failed', failure: failureResultOf(error.kind, error.message) };
    // The worker's own fault (a full disk, a store that is down): the job fails with it rather than hanging until its lease runs out.
    return { status: 'Failed', failure: { type: 'JobFailed', message: `the worker failed to run the job: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
