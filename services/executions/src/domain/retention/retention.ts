import { assertNever, ValidationError } from '@sluice/domain';
import type { ExecutionState } from '../execution/execution-state';

/**
 * Retention of execution history and logs (issue 20, docs/decisions/0056). An account keeps its executions for a
 * period (CodePipeline's 12 months by default); an execution that ended longer ago than that is expired by the sweep:
 * its log chunks are deleted from the log store and a tombstone records when and under which period. Queries then
 * answer "expired on <date>", never "not found". The events themselves stay (facts, hashed by nobody); the audit
 * trail is not touched.
 */
export const RETENTION_STREAM_PREFIX = 'retention-';
export const retentionStreamId = (account: string): string => `${RETENTION_STREAM_PREFIX}${account}`;

/** One tombstone stream per expired execution: appended once (expected no stream), so two sweeps cannot expire it twice. */
export const EXPIRED_EXECUTION_STREAM_PREFIX = 'expired-execution-';
export const expiredExecutionStreamId = (executionId: string): string => `${EXPIRED_EXECUTION_STREAM_PREFIX}${executionId}`;

/** CodePipeline keeps execution history 12 months: 365 days. */
export const DEFAULT_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 1;
/** Ten years: beyond it an account keeps its history as long as the store does anyway. */
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

export type RetentionEvent = { type: 'RetentionPeriodSet'; data: { retentionDays: number; setBy: string; at: string } };

export type RetentionState = { kind: 'Default' } | { kind: 'Set'; retentionDays: number; setBy: string; setAt: string };

export interface RetentionCommandMetadata {
  now: string;
  account: string;
  actor: string;
  correlationId: string;
}

export type RetentionCommand = { type: 'PutRetentionSettings'; retentionDays: number; metadata: RetentionCommandMetadata };

export const retentionDecider = {
  initialState: { kind: 'Default' } as RetentionState,
  evolve(_state: RetentionState, event: RetentionEvent): RetentionState {
    switch (event.type) {
      case 'RetentionPeriodSet':
        return { kind: 'Set', retentionDays: event.data.retentionDays, setBy: event.data.setBy, setAt: event.data.at };
      default:
        return assertNever(event.type);
    }
  },
  decide(command: RetentionCommand, state: RetentionState): RetentionEvent[] {
    switch (command.type) {
      case 'PutRetentionSettings': {
        const days = command.retentionDays;
        if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
          throw new ValidationError(
            [{ path: '$.retentionDays', code: 'out_of_range', message: `retentionDays must be a whole number of days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS}, got ${JSON.stringify(days)}.` }],
            'The retention settings are not valid',
          );
        }
        if (state.kind === 'Set' && state.retentionDays === days) return [];
        return [{ type: 'RetentionPeriodSet', data: { retentionDays: days, setBy: command.metadata.actor, at: command.metadata.now } }];
      }
      default:
        return assertNever(command.type);
    }
  },
};

export const retentionDaysOf = (state: RetentionState): number => (state.kind === 'Set' ? state.retentionDays : DEFAULT_RETENTION_DAYS);

/** The tombstone: the execution expired at `expiredAt` under `retentionDays`; its log chunks were deleted before. */
export interface PipelineExecutionExpired {
  type: 'PipelineExecutionExpired';
  data: {
    pipelineExecutionId: string;
    account: string;
    pipelineName: string;
    /** When it ended (its last update): what the period is counted from. */
    endedAt: string;
    expiredAt: string;
    retentionDays: number;
    /** Log chunks deleted from the log store; chunks written before decision 0056 may be shared and are left. */
    logChunksDeleted: number;
    logChunksLeftShared: number;
  };
}

export interface ExecutionExpiry {
  account: string;
  pipelineName: string;
  expiredAt: string;
  retentionDays: number;
}

const ENDED = new Set<ExecutionState['status']>(['Succeeded', 'Failed', 'Stopped', 'Superseded']);

/**
 * Whether retention expires this execution now: it ended (a running or stopping one is never expired, whatever its
 * age) and its last update is more than `retentionDays` before `now`.
 */
export function isDueForExpiry(state: ExecutionState, retentionDays: number, now: Date): boolean {
  if (!ENDED.has(state.status) || state.status === 'NotStarted') return false;
  return Date.parse(state.run.lastUpdatedAt) < now.getTime() - retentionDays * DAY_MS;
}
