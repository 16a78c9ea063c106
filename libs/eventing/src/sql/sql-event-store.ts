import type { ConcurrencyError } from '../errors';
import { EventStoreInputError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventHandler,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
} from '../event-store';
import { prepareAppend, type PreparedAppend } from '../validation/prepare-append';
import { validateReadAll, validateReadStream } from '../validation/read-options';
import { assertText } from '../validation/text-value';
import { appendGroup } from './append-to-stream';
import { CatchUpSubscription, type CatchUpSource } from './catch-up-subscription';
import { GroupCommitQueue, type GroupLimits } from './group-commit';
import { LiveTail } from './live-tail';
import { headPosition, readAll, readAllPage } from './read-all';
import { readStream, streamRevision } from './read-stream';
import { SqlCheckpointStore } from './sql-checkpoint-store';
import type { SqlExecutor } from './sql-executor';
import { statements, type Statements } from './statements';
import { categoryOf, WakeSignal } from './wake-signal';

export interface SqlEventStoreSettings {
  /** Fallback poll of live subscriptions when no wake arrives (ms). */
  pollIntervalMs: number;
  /** Events per catch-up read. */
  pageSize: number;
  groupLimits: GroupLimits;
  /**
   * Nothing but this store appends to its tables (the embedded store owns its data folder): the events it appends go to
   * the live tail as they commit, without the read after each append (issue 18).
   */
  soleWriter?: boolean;
}

export const defaultSqlEventStoreSettings: SqlEventStoreSettings = {
  pollIntervalMs: 2000,
  pageSize: 1000,
  groupLimits: { maxItems: 500, maxWeight: 4 * 1024 * 1024 },
};

/**
 * The EventStore over any SqlExecutor: the postgres and embedded adapters are this class plus a
 * connection and a way to hear about other processes' appends.
 */
export class SqlEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  /** Adapters call wake.notify() when they hear (NOTIFY) that another process appended. */
  protected readonly wake = new WakeSignal();
  private readonly sql: Statements;
  private readonly appends: GroupCommitQueue<PreparedAppend, AppendResult>;
  private readonly subscriptions = new Set<Subscription>();
  /** The newest events, read once for every live `$all` subscription of this process. */
  private readonly tail: LiveTail;
  private closed = false;

  constructor(
    private readonly executor: SqlExecutor,
    readonly schema: string,
    private readonly settings: SqlEventStoreSettings,
  ) {
    this.sql = statements(schema);
    this.checkpoints = new SqlCheckpointStore(executor, this.sql);
    this.appends = new GroupCommitQueue<PreparedAppend, AppendResult>((group) => this.commit(group), settings.groupLimits);
    this.tail = new LiveTail(executor, this.sql, this.wake, {
      pageSize: settings.pageSize,
      maxEvents: 4 * settings.pageSize,
      maxBytes: 16 * 1024 * 1024,
      maxAgeMs: settings.pollIntervalMs / 2,
    });
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const prepared = prepareAppend(streamId, events, options, new Date());
    let weight = 0;
    for (const event of prepared.events) weight += event.data.length + event.metadata.length;
    return this.appends.submit(prepared, weight);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readStream(this.executor, this.sql, validateReadStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { fromPosition, maxCount } = validateReadAll(options);
    return readAll(this.executor, this.sql, fromPosition, maxCount);
  }

  /** The head position: positions start at 1 and have no holes (schema.ts), and events are never deleted. */
  async countAll(): Promise<number> {
    this.assertOpen();
    return Number(await headPosition(this.executor, this.sql));
  }

  subscribeToAll(handler: EventHandler, options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const from = options.fromPosition ?? 'start';
    if (from !== 'start' && from !== 'end' && (typeof from !== 'bigint' || from < 0n)) {
      throw new EventStoreInputError('fromPosition', `must be 'start', 'end' or a bigint >= 0, got ${String(from)}`);
    }
    const prefixes = options.streamPrefixes;
    if (prefixes !== undefined) {
      if (!Array.isArray(prefixes)) throw new EventStoreInputError('streamPrefixes', 'must be an array of strings');
      prefixes.forEach((p, i) => assertText(p, `streamPrefixes[${i}]`));
    }
    const source: CatchUpSource = {
      start: async () => (from === 'start' ? 0n : from === 'end' ? headPosition(this.executor, this.sql) : from),
      readAfter: async (cursor, limit) => (await this.tail.pageAfter(cursor, limit, prefixes)) ?? readAllPage(this.executor, this.sql, cursor, limit, prefixes),
      cursorOf: (event) => event.position,
    };
    return this.track(new CatchUpSubscription(source, handler, this.wake, this.settings, prefixes));
  }

  subscribeToStream(streamId: string, handler: EventHandler, options: SubscribeToStreamOptions = {}): Subscription {
    this.assertOpen();
    assertText(streamId, 'streamId');
    const from = options.fromRevision ?? 'start';
    if (from !== 'start' && from !== 'end' && (typeof from !== 'bigint' || from < 0n)) {
      throw new EventStoreInputError('fromRevision', `must be 'start', 'end' or a bigint >= 0, got ${String(from)}`);
    }
    const source: CatchUpSource = {
      start: async () => (from === 'start' ? -1n : from === 'end' ? streamRevision(this.executor, this.sql, streamId) : from),
      readAfter: async (cursor, limit) => {
        const events = await readStream(this.executor, this.sql, {
          streamId,
          direction: 'forwards',
          from: cursor + 1n,
          to: undefined,
          maxCount: limit,
        });
        const atHead = events.length < limit;
        return { events, next: events.length > 0 ? events[events.length - 1]!.revision : cursor, atHead };
      },
      cursorOf: (event) => event.revision,
    };
    return this.track(new CatchUpSubscription(source, handler, this.wake, this.settings, [streamId]));
  }

  /** The store's own database: where durable read models keep their tables and checkpoints (docs/decisions/0048). */
  get database(): SqlExecutor {
    return this.executor;
  }

  /** Stops subscriptions and waits for appends in flight; the adapter then closes its connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.appends.idle();
  }

  protected get isClosed(): boolean {
    return this.closed;
  }

  private async commit(group: PreparedAppend[]): Promise<(AppendResult | ConcurrencyError)[]> {
    const outcomes = await appendGroup(this.executor, this.sql.appendEvents, group);
    const fed = this.settings.soleWriter === true && this.tail.offer(appendedRows(group, outcomes));
    this.wake.notify([...new Set(group.map((append) => categoryOf(append.streamId)))]);
    if (fed) this.tail.freshAt(this.wake.current);
    return outcomes;
  }

  private track(subscription: CatchUpSubscription): Subscription {
    this.subscriptions.add(subscription);
    const forget = (): void => void this.subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

/**
 * The rows the appends of a group wrote, as the tail reads them, supposing every event of each successful append was
 * new (positions and revisions consecutive up to those its result names). An append answered from events stored before
 * (the same ids) breaks the chain of positions, and the tail refuses the rows.
 */
function appendedRows(group: readonly PreparedAppend[], outcomes: readonly (AppendResult | ConcurrencyError)[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  group.forEach((append, i) => {
    const outcome = outcomes[i];
    if (outcome === undefined || outcome instanceof Error) return;
    const count = BigInt(append.events.length);
    append.events.forEach((event, j) => {
      rows.push({
        position: (outcome.position - count + 1n + BigInt(j)).toString(),
        stream_id: append.streamId,
        revision: (outcome.nextExpectedRevision - count + 1n + BigInt(j)).toString(),
        event_id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      });
    });
  });
  return rows;
}
