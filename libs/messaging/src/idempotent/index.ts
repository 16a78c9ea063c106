export { idempotentHandler, eventIdOf, MissingEventIdError } from './idempotent-handler';
export { InMemoryProcessedEvents } from './in-memory-processed-events';
export { createPostgresProcessedEvents, type PostgresProcessedEvents, type PostgresProcessedEventsOptions } from './postgres-processed-events';
export type { ProcessedEventsStore } from './processed-events-store';
