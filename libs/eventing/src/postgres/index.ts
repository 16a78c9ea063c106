export { createPostgresEventStore, PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
