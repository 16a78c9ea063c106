import { ConcurrencyError, type EventMetadata, type EventStore } from '@sluice/eventing';
import type { CommandMetadata } from '@sluice/domain';
import type { Folded, StreamStates } from '../projections/stream-states';

export interface Written<E> {
  events: E[];
  /** Position of the last event appended; undefined when the command changed nothing. */
  position: bigint | undefined;
}

export interface StreamWriterOptions {
  /** Appends tried before a ConcurrencyError reaches the caller (default 25). */
  maxAttempts?: number;
}

/**
 * Load -> decide -> append with the expected revision, for every command of the engine and the API.
 * The state comes from `StreamStates` (kept current by the subscription and by our own appends), so the
 * happy path reads nothing. Appends to one stream from this process are serialized, so they never race
 * each other; another process's append makes ours fail with ConcurrencyError, and we read what it wrote
 * and decide again: two engines never both apply a step.
 */
export class StreamWriter {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly maxAttempts: number;
  /** Appends refused because another writer appended first: how much the instances race. */
  conflicts = 0;

  constructor(
    private readonly store: EventStore,
    private readonly states: StreamStates,
    options: StreamWriterOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 25;
  }

  decide<S, E extends { type: string; data: unknown }>(
    streamId: string,
    current: () => Folded<S>,
    decide: (state: S) => E[],
    metadata: CommandMetadata,
  ): Promise<Written<E>> {
    return this.exclusively(streamId, () => this.decideAndAppend(streamId, current, decide, metadata));
  }

  /** Folds in whatever other writers appended to the stream since we last saw it. */
  async catchUp(streamId: string): Promise<void> {
    const from = this.states.revisionOf(streamId) + 1n;
    const newer = await this.store.readStream(streamId, { from });
    for (const event of newer) this.states.apply(streamId, event.revision, event);
  }

  private async decideAndAppend<S, E extends { type: string; data: unknown }>(
    streamId: string,
    current: () => Folded<S>,
    decide: (state: S) => E[],
    metadata: CommandMetadata,
  ): Promise<Written<E>> {
    for (let attempt = 1; ; attempt += 1) {
      const { revision, state } = current();
      const events = decide(state);
      if (events.length === 0) return { events, position: undefined };
      try {
        const result = await this.store.append(
          streamId,
          events.map((event) => ({ type: event.type, data: event.data, metadata: eventMetadata(metadata) })),
          { expectedRevision: revision < 0n ? 'no_stream' : revision },
        );
        events.forEach((event, index) => this.states.apply(streamId, revision + 1n + BigInt(index), event));
        return { events, position: result.position };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw error;
        this.conflicts += 1;
        await this.catchUp(streamId);
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

function eventMetadata(metadata: CommandMetadata): Partial<EventMetadata> {
  return { correlationId: metadata.correlationId, causationId: null, actor: metadata.actor, account: metadata.account, occurredAt: metadata.now };
}
