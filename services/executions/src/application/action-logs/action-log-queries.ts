import { ExpiredError, NotFoundError, ValidationError } from '@sluice/domain';
import type { LogChunkReader } from '@sluice/artifact-store';
import type { EventStore, RecordedEvent } from '@sluice/eventing';
import { type PipelineRef, actionLogStreamId, type ActionLogAppended } from '@sluice/contracts';
import type { Caller } from '../caller';
import type { ExecutionExpiry } from '../../domain';

export interface ActionLogQuery {
  stageName?: string | null;
  actionName?: string | null;
  /** The `cursor` of the last entry the caller has (a store position). */
  after?: string | null;
  first?: number | null;
}

/** One chunk as `actionLogs` answers it: the stored event's data, where it was written. */
export interface ActionLogEntry extends Omit<ActionLogAppended['data'], 'pipelineExecutionId' | 'pipelineName' | 'chunk' | 'chunkRef'> {
  /** The text, from the log store or (events written before decision 0049) from the event; '' once expired. */
  chunk: string;
  /** The text's chunk is no longer kept (the logs' retention removed it): the entry stays, its text is gone. */
  expired: boolean;
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

/** Events read at a time while a page is filtered by stage and action. */
const READ_BATCH = 1_000;

/**
 * An execution's logs, read from its log stream in store order; account-scoped like every query. A page costs the
 * same at the stream's first entry and at its millionth (docs/decisions/0049): the cursor (a store position) is found
 * by a binary search over the stream's revisions (the store's index on stream and revision), the page's events are
 * read from there, and only the log chunks they reference are read.
 */
export class ActionLogQueries {
  constructor(
    private readonly store: EventStore,
    private readonly pipelineOf: (executionId: string) => Promise<PipelineRef | undefined>,
    /** Reads the texts of events that reference the log store; events written before it hold theirs. */
    private readonly chunks?: LogChunkReader,
    /** Executions retention expired (decision 0056): their logs are gone, and the query says so. */
    private readonly expiryOf: (executionId: string) => Promise<ExecutionExpiry | undefined> = async () => undefined,
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
    const expiry = await this.expiryOf(pipelineExecutionId);
    if (expiry !== undefined && expiry.account === caller.account) throw new ExpiredError('execution', pipelineExecutionId, expiry.expiredAt, expiry.retentionDays);
    const pipeline = await this.pipelineOf(pipelineExecutionId);
    if (pipeline === undefined || pipeline.account !== caller.account) throw new NotFoundError('execution', pipelineExecutionId);
    const streamId = actionLogStreamId(pipelineExecutionId);
    let revision = after === null ? 0n : await this.firstRevisionAfter(streamId, BigInt(after));
    const matching: RecordedEvent[] = [];
    for (;;) {
      const batch = await this.store.readStream(streamId, { from: revision, maxCount: Math.min(READ_BATCH, first + 1) });
      for (const event of batch) {
        if (event.type !== 'ActionLogAppended') continue;
        const data = event.data as ActionLogAppended['data'];
        if ((query.stageName ?? data.stageName) !== data.stageName || (query.actionName ?? data.actionName) !== data.actionName) continue;
        matching.push(event);
        if (matching.length > first) break;
      }
      if (matching.length > first || batch.length < Math.min(READ_BATCH, first + 1)) break;
      revision = batch.at(-1)!.revision + 1n;
    }
    const events = matching.slice(0, first);
    const entries = await Promise.all(events.map((event) => this.entryOf(event)));
    return { entries, endCursor: entries.at(-1)?.cursor ?? after, hasNextPage: matching.length > first };
  }

  private async entryOf(event: RecordedEvent): Promise<ActionLogEntry> {
    const data = event.data as ActionLogAppended['data'];
    return {
      cursor: event.position.toString(),
      stageName: data.stageName,
      actionName: data.actionName,
      actionExecutionId: data.actionExecutionId,
      jobId: data.jobId,
      sequence: data.sequence,
      stream: data.stream,
      ...(await this.textOf(data)),
      at: data.at,
    };
  }

  private async textOf(data: ActionLogAppended['data']): Promise<{ chunk: string; expired: boolean }> {
    if (data.chunkRef === undefined) return { chunk: data.chunk ?? '', expired: false };
    if (this.chunks === undefined) throw new Error('This service has no log store to read the log chunks from (SLUICE_LOGS)');
    const text = await this.chunks.readUnlessExpired(data.chunkRef);
    return text === null ? { chunk: '', expired: true } : { chunk: text, expired: false };
  }

  /**
   * The revision of the stream's first event after `position` (a stream's positions grow with its revisions): about
   * 20 one-event reads for a million events, however far in the stream the position is.
   */
  private async firstRevisionAfter(streamId: string, position: bigint): Promise<bigint> {
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    if (last === undefined || last.position <= position) return last === undefined ? 0n : last.revision + 1n;
    let low = 0n;
    let high = last.revision; // the answer is in [low, high]
    while (low < high) {
      const middle = (low + high) / 2n;
      const [event] = await this.store.readStream(streamId, { from: middle, maxCount: 1 });
      if (event !== undefined && event.position > position) high = middle;
      else low = middle + 1n;
    }
    return low;
  }
}
