import { InMemoryProcessedEvents } from './in-memory-processed-events';
import { processedEventsContract } from './processed-events.contract';

processedEventsContract('in-memory', async () => new InMemoryProcessedEvents());

describe('InMemoryProcessedEvents', () => {
  it('forgets the least recently seen ids beyond its capacity', async () => {
    const seen = new InMemoryProcessedEvents(3);
    for (const id of ['a', 'b', 'c']) await seen.markProcessed(id);
    expect(await seen.isProcessed('a')).toBe(true); // 'a' is now the most recent
    await seen.markProcessed('d');
    expect(seen.size).toBe(3);
    expect(await seen.isProcessed('b')).toBe(false);
    expect(await seen.isProcessed('a')).toBe(true);
    expect(await seen.isProcessed('c')).toBe(true);
    expect(await seen.isProcessed('d')).toBe(true);
  });
});
