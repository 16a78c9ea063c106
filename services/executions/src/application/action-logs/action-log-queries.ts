import { NotFoundError, ValidationError } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import { type PipelineRef, actionLogStreamId, type ActionLogAppended } from '@sluice/contracts';
import type { Caller } from '../caller';

export interface ActionLogQuery {
  stageName?: string | null;
  actionName?: string | null;
  /** The `cursor` of the last entry the caller has (a store position). */
  after?: string | null;
  first?: number | null;
}

/** One chunk as `actionLogs` answers it: the stored event's data, where it was written. */
export interface ActionLogEntry extends Omit<ActionLogAppended['data'], 'pipelineExecutionId' | 'pipelineName'> {
  /** The event's store position: the same cursor `actionLogAppended` takes as `after`. */
  cursor: string;
}

export interface ActionLogPage {
  entries: ActionLogEntry[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const DEFAULT_PAGE = 500;
const MAX_PAGE = 5_000;

/** An execution's logs, read from its log stream in store order; account-scoped like every query. */
export class ActionLogQueries {
  constructor(
    private readonly store: EventStore,
    private readonly pipelineOf: (executionId: string) => PipelineRef | undefined,
  ) {}

  async actionLogs(caller: Caller, pipelineExecutionId: string, query: ActionLogQuery = {}): Promise<ActionLogPage> {
    const after = query.after ?? null;
    if (after !== null && !/^\d{1,19}$/.test(after)) {
      throw new ValidationError([{ path: '$.after', message: `'${after}' is not a cursor (the cursor of a log entry)`, code: 'invalid_cursor' }], 'The input is not valid', 'INVALID_CURSOR');
    }
    const first = query.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new ValidationError([{ path: '$.first', message: `first must be between 1 and ${MAX_PAGE}`, code: 'out_of_range' }]);
    }
    const pipeline = this.pipelineOf(pipelineExecutionId);
    if (pipeline === undefined || pipeline.account !== caller.account) throw new NotFoundError('execution', pipelineExecutionId);
    const from = after === null ? -1n : BigInt(after);
    const matching: ActionLogEntry[] = [];
    for (const event of await this.store.readStream(actionLogStreamId(pipelineExecutionId))) {
      if (event.position <= from || event.type !== 'ActionLogAppended') continue;
      const data = event.data as ActionLogAppended['data'];
      if ((query.stageName ?? data.stageName) !== data.stageName || (query.actionName ?? data.actionName) !== data.actionName) continue;
      matching.push({
        cursor: event.position.toString(),
        stageName: data.stageName,
        actionName: data.actionName,
        actionExecutionId: data.actionExecutionId,
        jobId: data.jobId,
        sequence: data.sequence,
        stream: data.stream,
        chunk: data.chunk,
        at: data.at,
      });
      if (matching.length > first) break;
    }
    const entries = matching.slice(0, first);
    return { entries, endCursor: entries.at(-1)?.cursor ?? after, hasNextPage: matching.length > first };
  }
}
