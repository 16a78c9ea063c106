import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../errors';
import type { EventStore } from '../event-store';

/**
 * What the SQL adapters (postgres, embedded) promise beyond the EventStore contract: contiguous
 * positions, group commit where appends see each other in order, and per-event idempotence.
 * `open` must give a store on an empty schema.
 */
export function sqlEventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`SQL event store: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('appends issued together go in one group, each checked after the ones before it', async () => {
      const s = `group-${randomUUID()}`;
      const outcomes = await Promise.allSettled([
        store.append(s, [{ type: 'A', data: 1 }], { expectedRevision: 'no_stream' }),
        store.append(s, [{ type: 'B', data: 2 }], { expectedRevision: 0n }),
        store.append(s, [{ type: 'C', data: 3 }], { expectedRevision: 0n }),
        store.append(s, [{ type: 'D', data: 4 }, { type: 'E', data: 5 }], { expectedRevision: 1n }),
      ]);
      expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0n } });
      expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1n } });
      expect(outcomes[2]).toMatchObject({ status: 'rejected' });
      const conflict = (outcomes[2] as PromiseRejectedResult).reason as unknown;
      expect(conflict).toBeInstanceOf(ConcurrencyError);
      expect(conflict).toMatchObject({ expectedRevision: 0n, actualRevision: 1n });
      expect(outcomes[3]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 3n } });
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'D', 'E']);
    });

    it('skips the events of an append whose ids are already in the stream and appends the rest', async () => {
      const s = `partial-${randomUUID()}`;
      const a = { id: randomUUID(), type: 'A', data: 1 };
      await store.append(s, [a]);
      const result = await store.append(s, [a, { type: 'B', data: 2 }], { expectedRevision: 0n });
      expect(result.nextExpectedRevision).toBe(1n);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('dedupes an id appended twice in the same group', async () => {
      const s = `same-group-${randomUUID()}`;
      const a = { id: randomUUID(), type: 'A', data: 1 };
      const [first, second] = await Promise.all([store.append(s, [a]), store.append(s, [a])]);
      expect(second).toEqual(first);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('delivers a stream-prefix filter in order across a long store, pages of other streams between, then live', async () => {
      // A filtered page scans a bounded window of positions (read-all.ts): 25,000 other events make the
      // catch-up cross windows that hold none, some or many of the wanted events before the head.
      const sparse = `sparse-${randomUUID()}`;
      const dense = `dense-${randomUUID()}`;
      const expected: Array<[string, string]> = [];
      for (let round = 0; round < 5; round++) {
        await store.append(`${dense}-${round}`, Array.from({ length: 5_000 }, (_, i) => ({ type: 'Dense', data: i })));
        await store.append(`${sparse}-${round}`, [{ type: `Sparse${round}`, data: round }]);
        expected.push(...Array.from({ length: 5_000 }, (): [string, string] => [`${dense}-${round}`, 'Dense']), [`${sparse}-${round}`, `Sparse${round}`]);
      }
      const sparseSeen: string[] = [];
      const bothSeen: Array<[string, string]> = [];
      const positions: bigint[] = [];
      const sparseOnly = store.subscribeToAll((e) => void sparseSeen.push(e.type), { fromPosition: 'start', streamPrefixes: [sparse] });
      const both = store.subscribeToAll((e) => void (bothSeen.push([e.streamId, e.type]), positions.push(e.position)), { fromPosition: 'start', streamPrefixes: [dense, sparse] });
      await Promise.all([sparseOnly.caughtUp, both.caughtUp]);
      expect(sparseSeen).toEqual(['Sparse0', 'Sparse1', 'Sparse2', 'Sparse3', 'Sparse4']);
      expect(bothSeen).toEqual(expected);
      expect(positions.every((position, i) => i === 0 || position > positions[i - 1]!)).toBe(true);
      await store.append(`${sparse}-live`, [{ type: 'Live', data: 0 }]);
      for (const deadline = Date.now() + 5_000; sparseSeen.length < 6 || bothSeen.length < expected.length + 1; ) {
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all([sparseOnly.stop(), both.stop()]);
      expect(sparseSeen.at(-1)).toBe('Live');
      expect(bothSeen.at(-1)).toEqual([`${sparse}-live`, 'Live']);
    }, 60_000);

    it('hands out positions without holes, failed appends included', async () => {
      await Promise.allSettled(
        [...Array(50).keys()].map((n) => store.append(`holes-${n % 3}`, [{ type: 'N', data: n }], { expectedRevision: n < 3 ? 'no_stream' : 0n })),
      );
      const positions = (await store.readAll()).map((e) => e.position);
      expect(positions).toEqual(positions.map((_, i) => BigInt(i + 1)));
    });
  });
}
