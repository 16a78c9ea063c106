import type { ExecutionEvent } from './executions/execution-events';
import type { LanesEvent } from './lanes/lanes-events';

/** The events a status is read from: an execution's own, and its pipeline's lanes. */
export type StatusEvent = ExecutionEvent | LanesEvent;

// Events absent from this table change no status (condition evaluations, retry and rollback requests, …).
const STATUS_OF: Readonly<Partial<Record<StatusEvent['type'], string>>> = {
  PipelineExecutionStarted: 'InProgress',
  PipelineExecutionStopping: 'Stopping',
  PipelineExecutionStopped: 'Stopped',
  PipelineExecutionSucceeded: 'Succeeded',
  PipelineExecutionFailed: 'Failed',
  PipelineExecutionSuperseded: 'Superseded',
  StageExecutionStarted: 'InProgress',
  StageExecutionSucceeded: 'Succeeded',
  StageExecutionFailed: 'Failed',
  StageExecutionSkipped: 'Skipped',
  StageExecutionStopped: 'Stopped',
  ActionExecutionStarted: 'InProgress',
  ActionJobContinued: 'InProgress',
  ActionExecutionSucceeded: 'Succeeded',
  ActionExecutionFailed: 'Failed',
  ActionExecutionAbandoned: 'Abandoned',
  ExecutionArrivedAtStage: 'Waiting',
  StageEntryGranted: 'InProgress',
  WaitingExecutionSuperseded: 'Superseded',
  StageEntryWithdrawn: 'Withdrawn',
  InboundTransitionDisabled: 'Disabled',
  InboundTransitionEnabled: 'Enabled',
};

/** The status each event type gives, but for the two whose `data` says it (StageReleased, ApprovalResultRecorded): for a fold written in SQL. */
export function statusesByEventType(): ReadonlyArray<readonly [type: string, status: string]> {
  return Object.entries(STATUS_OF) as Array<[string, string]>;
}

/**
 * The status an execution or lanes event gives what it is about (the action if it names one, else the stage,
 * else the execution), or null for an event that changes no status. Takes any stored event: an unknown type
 * (another stream's, or one newer than this reader) has none.
 */
export function statusOf(event: { type: string; data: unknown }): string | null {
  const data = typeof event.data === 'object' && event.data !== null ? (event.data as { outcome?: unknown; status?: unknown }) : {};
  if (event.type === 'StageReleased') return typeof data.outcome === 'string' ? data.outcome : null;
  if (event.type === 'ApprovalResultRecorded') return typeof data.status === 'string' ? data.status : null;
  return STATUS_OF[event.type as StatusEvent['type']] ?? null;
}

/** Events whose `stageName` says where the execution ended, while the status they give is the execution's. */
export const EXECUTION_LEVEL_EVENTS: ReadonlySet<string> = new Set<StatusEvent['type']>(['PipelineExecutionFailed', 'PipelineExecutionSuperseded']);
