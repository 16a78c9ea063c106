import type { ProcessedEventsStore } from './processed-events-store';

/**
 * The ids of the most recently processed events, oldest forgotten first (LRU). Duplicates arrive
 * close to the original (a redelivery after a rebalance, a relay restart), so a bounded window
 * catches them; a consumer that must never repeat a side effect uses a durable store.
 */
export class InMemoryProcessedEvents implements ProcessedEventsStore {
  private readonly ids = new Map<string, true>();

  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.ids.size;
  }

  async isProcessed(eventId: string): Promise<boolean> {
    if (!this.ids.has(eventId)) return false;
    this.touch(eventId);
    return true;
  }

  async markProcessed(eventId: string): Promise<void> {
    this.touch(eventId);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
  }

  private touch(eventId: string): void {
    this.ids.delete(eventId);
    this.ids.set(eventId, true);
  }
}
