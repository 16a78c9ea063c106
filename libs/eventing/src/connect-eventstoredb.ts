import type { EventStore } from './event-store';
import type { EventStoreDbEventStoreOptions } from './eventstoredb';

/**
 * The KurrentDB/EventStoreDB adapter, loaded on first use: its client brings a native add-on that
 * the embedded and PostgreSQL modes have no reason to load.
 */
export async function connectEventStoreDb(options: EventStoreDbEventStoreOptions): Promise<EventStore> {
  const { createEventStoreDbEventStore } = await import('./eventstoredb');
  return createEventStoreDbEventStore(options);
}

export type { EventStoreDbEventStoreOptions };
