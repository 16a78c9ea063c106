import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  streamNameFilter,
  type Filter,
} from '@kurrent/kurrentdb-client';
import { ConcurrencyError, EventStoreInputError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
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
import { prepareAppend } from '../validation/prepare-append';
import { validateReadAll, validateReadStream } from '../validation/read-options';
import { idleSubscription, startCatchUpSubscription } from './catch-up-subscription';
import { isStreamNotFound, toConcurrencyError } from './client-errors';
import { toKurrentDbConnectionString } from './connection-string';
import { toEventData, toRecordedEvent } from './envelope';
import { toStreamState } from './expected-revision';
import { assertNotSystemStream, validateSubscribeToAll, validateSubscribeToStream } from './input-validation';
import { bigIntToPosition } from './position';

export interface EventStoreDbEventStoreOptions {
  /** `kurrentdb://host:2113?tls=false` or the older `esdb://…` (both with `+discover` for a cluster). */
  connectionString: string;
}

/** Every stream except KurrentDB's own (`$`-prefixed), which share $all with ours. */
const userStreams = (): Filter => streamNameFilter({ regex: '^[^$]' });

export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(toKurrentDbConnectionString(options.connectionString));
  } catch (error) {
    if (error instanceof EventStoreInputError) throw error;
    throw new EventStoreInputError('connectionString', error instanceof Error ? error.message : String(error));
  }
  const subscriptions = new Set<Subscription>();
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new Error('The event store is closed');
  };

  const track = (subscription: Subscription): Subscription => {
    subscriptions.add(subscription);
    subscription.done.then(
      () => subscriptions.delete(subscription),
      () => subscriptions.delete(subscription),
    );
    return subscription;
  };

  /** The event at `revision` of a stream, or the last one when `revision` is 'end'; undefined if there is none. */
  const readOne = async (streamId: string, revision: bigint | 'end'): Promise<RecordedEvent | undefined> => {
    try {
      for await (const resolved of client.readStream(streamId, {
        fromRevision: revision === 'end' ? END : revision,
        direction: revision === 'end' ? BACKWARDS : FORWARDS,
        maxCount: 1,
      })) {
        if (resolved.event) return toRecordedEvent(resolved.event);
      }
      return undefined;
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
  };

  return {
    async append(streamId: string, events: NewEvent[], appendOptions?: AppendOptions): Promise<AppendResult> {
      assertOpen();
      const prepared = prepareAppend(streamId, events, appendOptions, new Date());
      assertNotSystemStream(prepared.streamId);
      const expected = prepared.expectedRevision;
      let result;
      try {
        result = await client.appendToStream(streamId, prepared.events.map(toEventData), {
          streamState: toStreamState(expected),
        });
      } catch (error) {
        throw toConcurrencyError(error, streamId, expected) ?? error;
      }
      if (!result.success) {
        // Only with throwOnAppendFailure=false in the connection string; the client's revision is then unreliable.
        const last = await readOne(streamId, 'end');
        throw new ConcurrencyError(streamId, expected, last?.revision ?? 'no_stream');
      }
      // The append result's position is the write's, not necessarily its last event's: read that event back.
      const last = await readOne(streamId, result.nextExpectedRevision);
      if (!last) {
        throw new Error(`Stream '${streamId}' has no event at revision ${result.nextExpectedRevision} right after an append`);
      }
      return { nextExpectedRevision: result.nextExpectedRevision, position: last.position };
    },

    async readStream(streamId: string, readOptions?: ReadStreamOptions): Promise<RecordedEvent[]> {
      assertOpen();
      const { direction, from, to, maxCount } = validateReadStream(streamId, readOptions);
      const events: RecordedEvent[] = [];
      if (maxCount === 0) return events;
      try {
        for await (const resolved of client.readStream(streamId, {
          fromRevision: from === 'start' ? START : from === 'end' ? END : from,
          direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
          maxCount: maxCount ?? Number.MAX_SAFE_INTEGER,
        })) {
          if (!resolved.event) continue;
          const event = toRecordedEvent(resolved.event);
          if (to !== undefined && (direction === 'forwards' ? event.revision > to : event.revision < to)) break;
          events.push(event);
        }
      } catch (error) {
        if (isStreamNotFound(error)) return [];
        throw error;
      }
      return events;
    },

    async readAll(readOptions?: ReadAllOptions): Promise<RecordedEvent[]> {
      assertOpen();
      const { fromPosition, maxCount = Number.MAX_SAFE_INTEGER } = validateReadAll(readOptions);
      const events: RecordedEvent[] = [];
      if (maxCount === 0) return events;
      for await (const resolved of client.readAll({
        fromPosition: bigIntToPosition(fromPosition),
        direction: FORWARDS,
        maxCount,
        filter: userStreams(),
      })) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
        if (events.length >= maxCount) break;
      }
      return events;
    },

    subscribeToAll(handler: EventHandler, subscribeOptions?: SubscribeToAllOptions): Subscription {
      assertOpen();
      validateSubscribeToAll(handler, subscribeOptions);
      const after = subscribeOptions?.fromPosition ?? 'start';
      const prefixes = subscribeOptions?.streamPrefixes;
      // No prefix matches no stream, as in the other adapters; the server's filter needs at least one.
      if (prefixes?.length === 0) return track(idleSubscription());
      const filter = (): Filter => (prefixes ? streamNameFilter({ prefixes }) : userStreams());
      const source = client.subscribeToAll({
        fromPosition: after === 'start' ? START : after === 'end' ? END : bigIntToPosition(after),
        filter: filter(),
      });
      return track(
        startCatchUpSubscription({
          source,
          toEvent: (resolved) => (resolved.event ? toRecordedEvent(resolved.event) : undefined),
          handler,
          after,
          progressOf: (event) => event.position,
          head: async () => {
            for await (const resolved of client.readAll({
              fromPosition: END,
              direction: BACKWARDS,
              maxCount: 1,
              filter: filter(),
            })) {
              if (resolved.event) return toRecordedEvent(resolved.event).position;
            }
            return undefined;
          },
        }),
      );
    },

    subscribeToStream(
      streamId: string,
      handler: EventHandler,
      subscribeOptions?: SubscribeToStreamOptions,
    ): Subscription {
      assertOpen();
      validateSubscribeToStream(streamId, handler, subscribeOptions);
      const after = subscribeOptions?.fromRevision ?? 'start';
      const source = client.subscribeToStream(streamId, {
        fromRevision: after === 'start' ? START : after === 'end' ? END : after,
      });
      return track(
        startCatchUpSubscription({
          source,
          toEvent: (resolved) => (resolved.event ? toRecordedEvent(resolved.event) : undefined),
          handler,
          after,
          progressOf: (event) => event.revision,
          head: async () => (await readOne(streamId, 'end'))?.revision,
        }),
      );
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await client.dispose();
    },
  };
}
