import { ConcurrencyError } from '../errors';
import type { EventMetadata, EventStore, NewEvent } from '../event-store';

/** A stream's state as folded up to `revision` (-1 for a stream with no event yet). */
export interface FoldedStream<S> {
  revision: bigint;
  state: S;
}

/**
 * Where a command handler gets a stream's state, and what it tells when the stream moves on. `load` may be behind
 * the store (a cache, a projection): the append's expected revision catches that, and the handler then reads
 * what it missed and hands it to `apply`, one event per revision, in order.
 */
export interface StreamStateSource<S> {
  load(streamId: string): FoldedStream<S> | Promise<FoldedStream<S>>;
  /** Folds an event this handler appended (write-through) or read after a conflict. */
  apply(streamId: string, revision: bigint, event: { type: string; data: unknown }): void;
}

export interface Evolver<S, E> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
}

/** What a command did: the events appended (none when the decision changed nothing) and the last one's position. */
export interface Handled<E> {
  events: E[];
  position: bigint | undefined;
}

/** A decision's events, each with an optional id of its own (a name-based id makes a repeated append a no-op). */
export type Decided<E> = E & { id?: string };

export interface CommandHandlerOptions {
  /**
   * Appends tried before a `ConcurrencyError` reaches the caller (default 1: the caller sees the conflict, as an API
   * call that must not be applied to a state its user did not see). An engine step, which decides again from what
   * the other writer wrote, sets more.
   */
  maxAttempts?: number;
  /**
   * Whether this process's commands on one stream wait for one another (default true), so they never conflict among
   * themselves. An API that reports every concurrent write as CONFLICT (the caller decides again on what it now
   * sees, as CodePipeline's own API does) turns it off.
   */
  serialisePerStream?: boolean;
}

/**
 * The one write path of every service (docs/decisions/0034): load the stream's state -> decide -> append with the
 * expected revision; on a conflict, read what the other writer appended and decide again (up to `maxAttempts`).
 * Commands on one stream from this process run one after another, so they never race each other; another
 * process's append makes ours fail and we retry from its state: never a lost update.
 */
export class CommandHandler {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly maxAttempts: number;
  private readonly serialisePerStream: boolean;
  /** Appends refused because another writer appended first: how much writers race. */
  conflicts = 0;

  constructor(
    private readonly store: EventStore,
    options: CommandHandlerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 1;
    this.serialisePerStream = options.serialisePerStream ?? true;
  }

  handle<S, E extends { type: string; data: unknown }>(
    streamId: string,
    source: StreamStateSource<S>,
    decide: (state: S) => Array<Decided<E>>,
    metadata: Partial<EventMetadata>,
  ): Promise<Handled<E>> {
    const work = () => this.decideAndAppend(streamId, source, decide, metadata);
    return this.serialisePerStream ? this.exclusively(streamId, work) : work();
  }

  /** Folds into `source` whatever other writers appended to the stream since it last saw it. */
  async catchUp<S>(streamId: string, source: StreamStateSource<S>): Promise<void> {
    const { revision } = await source.load(streamId);
    for (const event of await this.store.readStream(streamId, { from: revision + 1n })) source.apply(streamId, event.revision, event);
  }

  private async decideAndAppend<S, E extends { type: string; data: unknown }>(
    streamId: string,
    source: StreamStateSource<S>,
    decide: (state: S) => Array<Decided<E>>,
    metadata: Partial<EventMetadata>,
  ): Promise<Handled<E>> {
    for (let attempt = 1; ; attempt += 1) {
      const { revision, state } = await source.load(streamId);
      const events = decide(state);
      if (events.length === 0) return { events, position: undefined };
      try {
        const result = await this.store.append(
          streamId,
          events.map((event): NewEvent => ({ ...(event.id === undefined ? {} : { id: event.id }), type: event.type, data: event.data, metadata })),
          { expectedRevision: revision < 0n ? 'no_stream' : revision },
        );
        events.forEach((event, index) => source.apply(streamId, revision + 1n + BigInt(index), event));
        return { events, position: result.position };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw error;
        this.conflicts += 1;
        await this.catchUp(streamId, source);
        // Several writers on one hot stream (a pipeline's lanes): spread the retries out.
        if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private async exclusively<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(streamId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(streamId, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(streamId) === tail) this.locks.delete(streamId);
    }
  }
}

/** A source that keeps nothing: each command reads its stream from the start and folds it. */
export function foldedFromStore<S, E>(store: EventStore, evolver: Evolver<S, E>): StreamStateSource<S> {
  return {
    async load(streamId) {
      const recorded = await store.readStream(streamId);
      const state = recorded.reduce((folded, event) => evolver.evolve(folded, { type: event.type, data: event.data } as E), evolver.initialState);
      return { revision: recorded.length === 0 ? -1n : recorded[recorded.length - 1]!.revision, state };
    },
    apply: () => undefined,
  };
}

export interface StateCacheOptions {
  /** Streams kept; the least recently used is dropped beyond (default 10,000). */
  maxStreams?: number;
}

/**
 * A source that keeps each stream's folded state: a command reads only what was appended since it last saw the
 * stream (nothing, when this process is its only writer).
 */
export function cachedStates<S, E>(store: EventStore, evolver: Evolver<S, E>, options: StateCacheOptions = {}): StreamStateSource<S> & { readonly size: number } {
  const maxStreams = options.maxStreams ?? 10_000;
  const streams = new Map<string, FoldedStream<S>>();
  const remember = (streamId: string, folded: FoldedStream<S>) => {
    streams.delete(streamId);
    streams.set(streamId, folded);
    if (streams.size > maxStreams) streams.delete(streams.keys().next().value!);
  };
  return {
    get size() {
      return streams.size;
    },
    async load(streamId) {
      let folded = streams.get(streamId) ?? { revision: -1n, state: evolver.initialState };
      for (const event of await store.readStream(streamId, { from: folded.revision + 1n })) {
        folded = { revision: event.revision, state: evolver.evolve(folded.state, { type: event.type, data: event.data } as E) };
      }
      remember(streamId, folded);
      return folded;
    },
    apply(streamId, revision, event) {
      const folded = streams.get(streamId);
      // Only the next revision folds in; anything else (a stream dropped from the cache) is read again on load.
      if (folded && revision === folded.revision + 1n) remember(streamId, { revision, state: evolver.evolve(folded.state, event as E) });
      else if (!folded && revision === 0n) remember(streamId, { revision, state: evolver.evolve(evolver.initialState, event as E) });
    },
  };
}
