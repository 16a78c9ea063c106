export * from './event-store';
export * from './errors';
export { createPostgresEventStore, PostgresEventStore, type PostgresEventStoreOptions } from './postgres';
export { openEmbeddedEventStore, EmbeddedEventStore, type EmbeddedEventStoreOptions } from './embedded';
export { InMemoryCheckpointStore } from './checkpoint';
export { prepareAppend, assertJsonData, validateExpectedRevision, type PreparedAppend, type PreparedEvent } from './validation';
export { connectEventStoreDb, type EventStoreDbEventStoreOptions } from './connect-eventstoredb';
export { PositionWaiters, ProjectionLagError } from './projection/position-waiters';
