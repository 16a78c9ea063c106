import { randomUUID } from 'node:crypto';
import type { ProcessedEventsStore } from './processed-events-store';

/** What every ProcessedEventsStore does; `open(consumer)` gives the store of one consumer. */
export function processedEventsContract(name: string, open: (consumer: string) => Promise<ProcessedEventsStore & { close?(): Promise<void> }>): void {
  describe(`ProcessedEventsStore contract: ${name}`, () => {
    const opened: Array<{ close?(): Promise<void> }> = [];
    const openStore = async (consumer = `consumer-${randomUUID()}`): Promise<ProcessedEventsStore> => {
      const store = await open(consumer);
      opened.push(store);
      return store;
    };

    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close?.()));
    });

    it('knows an event once it was marked processed, and marking twice is harmless', async () => {
      const store = await openStore();
      const id = randomUUID();
      expect(await store.isProcessed(id)).toBe(false);
      await store.markProcessed(id);
      await store.markProcessed(id);
      expect(await store.isProcessed(id)).toBe(true);
      expect(await store.isProcessed(randomUUID())).toBe(false);
    });

    it('keeps the events of each consumer apart', async () => {
      const id = randomUUID();
      const billing = await openStore();
      const audit = await openStore();
      await billing.markProcessed(id);
      expect(await audit.isProcessed(id)).toBe(false);
    });
  });
}
