/**
 * The event store port: the source of truth of every Sluice service.
 * Adapters: postgres/ (pg), embedded/ (PGlite), eventstoredb/ (KurrentDB client).
 * Revisions and positions are bigint, as in EventStoreDB: a revision counts events of one
 * stream from 0; a position orders every event of the store (the $all stream).
 */

export interface EventMetadata {
  /** Id shared by every event caused, directly or not, by one user request. */
  correlationId: string;
  /** Id of the event or command that caused this one. */
  causationId: string | null;
  /** Principal that caused the event (user, token, role session, `system`). */
  actor: string;
  /** Account (tenant) the event belongs to. */
  account: string;
  /** ISO-8601 instant the fact happened (comes with the command; stores never invent it). */
  occurredAt: string;
  /** Anything else an adapter or service wants to carry (kept as is). */
  [key: string]: unknown;
}

/** An event about to be appended. `id` makes the append idempotent; one is generated if absent. */
export interface NewEvent<TData = unknown> {
  id?: string;
  type: string;
  data: TData;
  metadata?: Partial<EventMetadata>;
}

/** An event as stored: the envelope of DESIGN.md. */
export interface RecordedEvent<TData = unknown> {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  data: TData;
  metadata: EventMetadata;
}

/**
 * - `no_stream`: the stream must not exist yet.
 * - `stream_exists`: the stream must have at least one event.
 * - `any`: no check.
 * - a bigint n: the stream's last revision must be n.
 */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | bigint;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision; // default 'any'
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append (pass it as expectedRevision next). */
  nextExpectedRevision: bigint;
  /** Position of the last event appended (or already stored, for an idempotent replay of an append). */
  position: bigint;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); 'start' (default for forwards) or 'end' (default for backwards). */
  from?: bigint | 'start' | 'end';
  /** Last revision to read (inclusive). */
  to?: bigint;
  maxCount?: number;
  direction?: 'forwards' | 'backwards';
}

export interface ReadAllOptions {
  /** First position to read (inclusive). Default 'start'. */
  fromPosition?: bigint | 'start';
  maxCount?: number;
}

export interface SubscribeToAllOptions {
  /**
   * A checkpoint: the position of the last event already processed; delivery starts after it
   * (exclusive). 'start' = from the first event; 'end' = only events appended from now on.
   */
  fromPosition?: bigint | 'start' | 'end';
  /** Only events whose stream id starts with one of these prefixes. */
  streamPrefixes?: string[];
}

export interface SubscribeToStreamOptions {
  /** The last revision already processed; delivery starts after it. Default 'start'. */
  fromRevision?: bigint | 'start' | 'end';
}

/**
 * Events are delivered one at a time, in order; the next is delivered when the handler's promise
 * resolves. A handler that throws stops the subscription and rejects `done`.
 */
export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface Subscription {
  /** Stop delivering; resolves when the current handler call (if any) has finished. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop(), rejects on an error. */
  readonly done: Promise<void>;
  /** Resolves once every event stored when subscribe was called has been delivered (caught up). */
  readonly caughtUp: Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; a stream that does not exist reads as []. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * How many events `$all` holds, when the store can tell without reading them (the SQL stores: positions have no
   * holes). A rebuild's progress total; without it the rebuild counts by reading the store once more.
   */
  countAll?(): Promise<number>;
  subscribeToAll(handler: EventHandler, options?: SubscribeToAllOptions): Subscription;
  subscribeToStream(streamId: string, handler: EventHandler, options?: SubscribeToStreamOptions): Subscription;
  close(): Promise<void>;
}

/** Where a subscriber keeps its checkpoint (the position of the last event it processed). */
export interface CheckpointStore {
  load(subscriberId: string): Promise<bigint | undefined>;
  store(subscriberId: string, position: bigint): Promise<void>;
}
