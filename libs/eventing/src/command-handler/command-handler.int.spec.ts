import { openEmbeddedEventStore, type EmbeddedEventStore } from '../embedded';
import { ConcurrencyError } from '../errors';
import { CommandHandler, cachedStates, foldedFromStore, type Evolver } from './command-handler';
import { decideAndAppend } from './decide-and-append';

// One store for the suite: each case has streams of its own. A counter that may not pass a limit: enough of a decider to see load -> decide -> append, conflicts and retries.
type Added = { type: 'Added'; data: { by: number } };
const counter: Evolver<number, Added> = { initialState: 0, evolve: (total, event) => total + event.data.by };
const add = (by: number, limit = 10) => (total: number): Added[] => (total + by > limit ? [] : [{ type: 'Added', data: { by } }]);
const metadata = { actor: 'tester', account: '111111111111', correlationId: 'c', occurredAt: '2026-12-06T00:00:00.000Z' };

describe('CommandHandler, the one write path', () => {
  let store: EmbeddedEventStore;
  beforeAll(async () => {
    store = await openEmbeddedEventStore({ dataDir: 'memory' });
  });
  afterAll(() => store.close());
  const total = async (streamId: string) => (await foldedFromStore(store, counter).load(streamId)).state;

  it('decides on the folded stream and appends with the revision it read; an empty decision appends nothing', async () => {
    const handler = new CommandHandler(store);
    const first = await handler.handle('counter-a', foldedFromStore(store, counter), add(4), metadata);
    expect(first.events).toEqual([{ type: 'Added', data: { by: 4 } }]);
    expect(first.position).toBeDefined();
    await handler.handle('counter-a', foldedFromStore(store, counter), add(5), metadata);
    expect(await handler.handle('counter-a', foldedFromStore(store, counter), add(2), metadata)).toEqual({ events: [], position: undefined });
    expect(await total('counter-a')).toBe(9);
    const [stored] = await store.readStream('counter-a', { maxCount: 1 });
    expect(stored!.metadata).toMatchObject(metadata);
  });

  it('refuses a decision made on a state another writer has moved on from: a conflict, never a lost update', async () => {
    const stale = { load: async () => ({ revision: -1n, state: 0 }), apply: () => undefined };
    await new CommandHandler(store).handle('counter-b', foldedFromStore(store, counter), add(8), metadata);
    await expect(new CommandHandler(store).handle('counter-b', stale, add(8), metadata)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await total('counter-b')).toBe(8);
  });

  it('with retries, decides again from what the other writer appended', async () => {
    const cache = cachedStates(store, counter);
    const handler = new CommandHandler(store, { maxAttempts: 3 });
    await handler.handle('counter-c', cache, add(3), metadata);
    // Another process appends behind this one's cache.
    await store.append('counter-c', [{ type: 'Added', data: { by: 6 } }], { expectedRevision: 0n });
    // A source that has folded revision 0 only (a projection behind the store), and learns from the handler.
    let folded = { revision: 0n, state: 3 };
    const behind = { load: () => folded, apply: (_: string, revision: bigint, event: { type: string; data: unknown }) => void (folded = { revision, state: counter.evolve(folded.state, event as Added) }) };
    expect((await handler.handle('counter-c', behind, add(4), metadata)).events).toEqual([]);
    expect(handler.conflicts).toBe(1);
    expect(await total('counter-c')).toBe(9);
  });

  it('runs the commands of one stream one after another, so concurrent ones in a process never conflict', async () => {
    const handler = new CommandHandler(store);
    const results = await Promise.all(Array.from({ length: 8 }, () => handler.handle('counter-d', foldedFromStore(store, counter), add(2), metadata)));
    expect(results.filter((result) => result.events.length === 1)).toHaveLength(5);
    expect(handler.conflicts).toBe(0);
    expect(await total('counter-d')).toBe(10);
  });

  it('without serialising, concurrent commands of one process conflict like any two writers: one applies, the rest are refused', async () => {
    const handler = new CommandHandler(store, { serialisePerStream: false });
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => handler.handle('counter-i', foldedFromStore(store, counter), add(2), metadata)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').every((result) => (result as PromiseRejectedResult).reason instanceof ConcurrencyError)).toBe(true);
    expect(await total('counter-i')).toBe(2);
  });

  it('keeps states in a cache that reads only what was appended since, and drops the least recently used', async () => {
    const cache = cachedStates(store, counter, { maxStreams: 2 });
    const handler = new CommandHandler(store);
    for (const id of ['counter-e', 'counter-f', 'counter-g']) await handler.handle(id, cache, add(1), metadata);
    expect(cache.size).toBe(2);
    await store.append('counter-e', [{ type: 'Added', data: { by: 5 } }], { expectedRevision: 0n });
    expect(await cache.load('counter-e')).toEqual({ revision: 1n, state: 6 });
  });

  it('decideAndAppend takes a decider and a command with its metadata; a command that names no stream is decided on the initial state', async () => {
    const decider = { ...counter, decide: (command: { by: number; metadata: { now: string; account: string; actor: string; correlationId: string } }, state: number) => add(command.by)(state) };
    const command = { by: 7, metadata: { now: '2026-12-06T00:00:00.000Z', account: '111111111111', actor: 'tester', correlationId: 'c' } };
    expect((await decideAndAppend(store, decider, 'counter-h', command, undefined)).position).toBeDefined();
    expect(await total('counter-h')).toBe(7);
    const refusing = { ...decider, decide: () => { throw new RangeError('no stream named'); } };
    await expect(decideAndAppend(store, refusing, undefined, command, undefined)).rejects.toThrow('no stream named');
  });
});
