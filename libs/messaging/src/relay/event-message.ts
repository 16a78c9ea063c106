import type { RecordedEvent } from '@sluice/eventing';
import type { DeliveredMessage, Headers } from '../bus';

/** Headers of a relayed event, so a consumer can dedupe or route without parsing the value. */
export const EVENT_HEADERS = {
  id: 'sluice-event-id',
  type: 'sluice-event-type',
  streamId: 'sluice-stream-id',
  position: 'sluice-event-position',
} as const;

/** The event envelope on the bus: JSON has no bigint, so revision and position are decimal strings. */
export interface EventMessageValue {
  id: string;
  type: string;
  streamId: string;
  revision: string;
  position: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function eventToMessage(event: RecordedEvent): { key: string; value: EventMessageValue; headers: Headers } {
  return {
    key: event.streamId,
    value: {
      id: event.id,
      type: event.type,
      streamId: event.streamId,
      revision: event.revision.toString(),
      position: event.position.toString(),
      data: event.data,
      metadata: event.metadata,
    },
    headers: {
      [EVENT_HEADERS.id]: event.id,
      [EVENT_HEADERS.type]: event.type,
      [EVENT_HEADERS.streamId]: event.streamId,
      [EVENT_HEADERS.position]: event.position.toString(),
      // The trace context the event was appended in (decision 0050): a consumer's span continues that trace.
      ...(typeof event.metadata.traceparent === 'string' ? { traceparent: event.metadata.traceparent } : {}),
    },
  };
}

/** The recorded event a relayed message carries, with revision and position as bigint again. */
export function eventFromMessage(message: Pick<DeliveredMessage, 'value'>): RecordedEvent {
  const value = message.value as EventMessageValue;
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || typeof value.position !== 'string') {
    throw new TypeError('Message value is not a relayed event envelope');
  }
  return { ...value, revision: BigInt(value.revision), position: BigInt(value.position) };
}
