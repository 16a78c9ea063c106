export { EmbeddedEventStore, openEmbeddedEventStore, type EmbeddedEventStoreOptions } from './embedded-event-store';
