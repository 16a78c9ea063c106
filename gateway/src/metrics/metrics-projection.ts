import { Histogram } from 'prom-client';
import type { RecordedEvent } from '@sluice/eventing';
import { executionEventFields, executionIdOfStream, JOB_STREAM_PREFIX, statusOf } from '@sluice/contracts';

/** The `job-{jobId}` streams of the executions service: the durable job queue. */

export const ACTION_DURATION_BUCKETS: readonly number[] = [0.1, 0.5, 1, 5, 30, 120, 600];

// Only the execution-level events (`PipelineExecution…`) change what `sluice_executions` counts; their status is
// the published one (`statusOf`).
const isExecutionLevel = (type: string): boolean => type.startsWith('PipelineExecution');
const ACTION_ENDS = new Set(['ActionExecutionSucceeded', 'ActionExecutionFailed', 'ActionExecutionAbandoned']);
// A requeued job waits for a worker again; a dispatched one is a worker's until its lease says otherwise.
const JOB_QUEUED = new Set(['JobCreated', 'JobRequeued']);
const JOB_TAKEN = new Set(['JobDispatched', 'JobAcknowledged', 'JobSucceeded', 'JobFailed', 'JobTimedOut', 'JobCancelled']);

/** `sluice_action_duration_seconds`: prom-client's histogram, in no registry (each scrape registers it in its own). */
export type ActionDurations = Histogram;

const actionDurations = (): ActionDurations =>
  new Histogram({
    name: 'sluice_action_duration_seconds',
    help: 'Action runs, from ActionExecutionStarted to their end (succeeded, failed or abandoned).',
    buckets: [...ACTION_DURATION_BUCKETS],
    registers: [],
  });

export interface MetricsState {
  executions: Map<string, { account: string; status: string }>;
  /** Start instants (ms) of the action runs begun and not yet ended, by action execution. */
  actionStarts: Map<string, number>;
  actionDurations: ActionDurations;
  queuedJobs: Set<string>;
  /** The last folded event: its position and when it happened (ms). */
  last: { position: bigint; occurredAt: number } | undefined;
}

export const emptyMetricsState = (): MetricsState => ({
  executions: new Map(),
  actionStarts: new Map(),
  actionDurations: actionDurations(),
  queuedJobs: new Set(),
  last: undefined,
});

function actionKey(executionId: string, event: RecordedEvent): string {
  const data = event.data as { actionExecutionId?: unknown };
  if (typeof data?.actionExecutionId === 'string') return data.actionExecutionId;
  const { stageName, actionName } = executionEventFields(event);
  return `${executionId}/${stageName ?? ''}/${actionName ?? ''}`;
}

function foldExecutionEvent(state: MetricsState, executionId: string, event: RecordedEvent, at: number): void {
  const status = isExecutionLevel(event.type) ? statusOf(event) : null;
  if (status !== null) {
    const account = state.executions.get(executionId)?.account ?? executionEventFields(event).inputs?.pipeline?.account ?? event.metadata.account;
    state.executions.set(executionId, { account, status });
  }
  if (event.type === 'ActionExecutionStarted') state.actionStarts.set(actionKey(executionId, event), at);
  else if (ACTION_ENDS.has(event.type)) {
    const key = actionKey(executionId, event);
    const started = state.actionStarts.get(key);
    if (started === undefined || Number.isNaN(at)) return;
    state.actionStarts.delete(key);
    state.actionDurations.observe(Math.max(0, at - started) / 1000);
  }
}

/** Folds one stored event of an `execution-` or `job-` stream into the state (others only move the position). */
export function foldMetricsEvent(state: MetricsState, event: RecordedEvent): void {
  const at = Date.parse(event.metadata.occurredAt);
  const executionId = executionIdOfStream(event.streamId);
  if (executionId !== undefined) foldExecutionEvent(state, executionId, event, at);
  else if (event.streamId.startsWith(JOB_STREAM_PREFIX)) {
    const jobId = event.streamId.slice(JOB_STREAM_PREFIX.length);
    if (JOB_QUEUED.has(event.type)) state.queuedJobs.add(jobId);
    else if (JOB_TAKEN.has(event.type)) state.queuedJobs.delete(jobId);
  }
  state.last = { position: event.position, occurredAt: at };
}
