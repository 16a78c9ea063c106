import type { EventMetadata, RecordedEvent } from '../event-store';

export function rowToEvent(row: Record<string, string | null>): RecordedEvent {
  return {
    id: row.event_id!,
    type: row.type!,
    streamId: row.stream_id!,
    revision: BigInt(row.revision!),
    position: BigInt(row.position!),
    data: JSON.parse(row.data!) as unknown,
    metadata: JSON.parse(row.metadata!) as EventMetadata,
  };
}
