import { jsonEvent, type EventData, type JSONType, type Position } from '@kurrent/kurrentdb-client';
import type { EventMetadata, RecordedEvent } from '../event-store';
import type { PreparedEvent } from '../validation/prepare-append';
import { positionToBigInt } from './position';

/** The fields of the client's recorded event that the envelope is made of. */
export interface ClientRecordedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** Our metadata object (defaults filled in by prepareAppend) becomes the event's JSON metadata. */
export function toEventData(event: PreparedEvent): EventData {
  // The client serializes JSON events itself, so it is handed values, not the prepared text.
  return jsonEvent({
    id: event.id,
    type: event.type,
    // Any JSON value; the client's type only names the object, array and string cases.
    data: JSON.parse(event.data) as JSONType,
    metadata: JSON.parse(event.metadata) as JSONType,
  });
}

export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  if (event.position === undefined) {
    throw new Error(
      `KurrentDB returned event ${event.id} of stream '${event.streamId}' without its position in $all; the server must be EventStoreDB 22.6 or later`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: positionToBigInt(event.position),
    data: event.data,
    metadata: toEventMetadata(event.metadata),
  };
}

/** Metadata written by another writer may be absent or not JSON: it reads as an empty object. */
export function toEventMetadata(metadata: unknown): EventMetadata {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) {
    return {} as EventMetadata;
  }
  return metadata as EventMetadata;
}
