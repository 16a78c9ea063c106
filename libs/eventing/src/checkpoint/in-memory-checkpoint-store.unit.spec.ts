import { EventStoreInputError } from '../errors';
import { InMemoryCheckpointStore } from './in-memory-checkpoint-store';

describe('InMemoryCheckpointStore', () => {
  it('loads what was stored, undefined otherwise', async () => {
    const store = new InMemoryCheckpointStore();
    await expect(store.load('p')).resolves.toBeUndefined();
    await store.store('p', 3n);
    await store.store('p', 4n);
    await expect(store.load('p')).resolves.toBe(4n);
  });

  it('refuses a position that is not a bigint', async () => {
    await expect(new InMemoryCheckpointStore().store('p', 3 as unknown as bigint)).rejects.toBeInstanceOf(EventStoreInputError);
  });
});
