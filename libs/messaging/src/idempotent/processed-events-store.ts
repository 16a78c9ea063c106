/**
 * What one consumer has already processed, by event id. Delivery is at least once, so a consumer
 * asks before it acts and records after it acted: a crash in between means processing again,
 * never skipping. A store whose writes share the consumer's transaction makes that effectively once.
 */
export interface ProcessedEventsStore {
  isProcessed(eventId: string): Promise<boolean>;
  /** Recording an id twice is harmless. */
  markProcessed(eventId: string): Promise<void>;
}
