import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifact-store';
import { ArtifactNotFoundError, ArtifactStoreInputError, ArtifactTooLargeError, ChecksumMismatchError, RangeNotSatisfiableError } from '../errors';
import { GeneratedBytes } from './generated-bytes';
import { peakRssGrowth } from './peak-rss';
import { readBytes, readDigest } from './read-all';

export interface ContractArtifactStore {
  store: ArtifactStore;
  /** Overwrites the stored bytes of an artifact behind the store's back, as a failing disk would. */
  corrupt(sha256: string, bytes: Buffer): Promise<void>;
  /** Every object the adapter keeps (artifacts, temporary and spool files), to prove nothing is left over. */
  storedObjects(): Promise<string[]>;
  dispose(): Promise<void>;
}

export interface ArtifactStoreContractOptions {
  /** Size of the streamed round trip. Default 200 MB. */
  largeBytes?: number;
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** The behaviour every ArtifactStore adapter must have; each test opens a store of its own. */
export function artifactStoreContract(name: string, open: () => Promise<ContractArtifactStore>, options: ArtifactStoreContractOptions = {}): void {
  const largeBytes = options.largeBytes ?? 200 * 1024 * 1024;

  describe(`ArtifactStore contract: ${name}`, () => {
    let current: ContractArtifactStore;
    let store: ArtifactStore;

    beforeEach(async () => {
      current = await open();
      store = current.store;
    });
    afterEach(async () => {
      await current.store.close();
      await current.dispose();
    });

    it('round-trips a small artifact at the sha256 of its bytes', async () => {
      const bytes = Buffer.from('hello, artifacts\n');
      const stored = await store.put(Readable.from([bytes]));
      expect(stored).toEqual({ sha256: sha256Of(bytes), size: bytes.length });
      expect(await readBytes(await store.get(stored.sha256))).toEqual(bytes);
      expect(await store.has(stored.sha256)).toBe(true);
      expect(await store.stat(stored.sha256)).toEqual({ size: bytes.length });
    });

    it('round-trips an empty artifact', async () => {
      const stored = await store.put(Readable.from([]));
      expect(stored).toEqual({ sha256: emptySha256, size: 0 });
      expect(await readBytes(await store.get(emptySha256))).toEqual(Buffer.alloc(0));
      expect(await store.stat(emptySha256)).toEqual({ size: 0 });
    });

    it(`streams a ${Math.round(largeBytes / 1e6)} MB artifact in and out with memory growth well under its size`, async () => {
      const source = new GeneratedBytes(largeBytes, 7);
      const expected = source.sha256();
      // Measure the steady state, not the first allocations of the client, its pools and the heap.
      await readDigest(await store.get((await store.put(new GeneratedBytes(32 * 1024 * 1024, 8).stream())).sha256));
      const put = await peakRssGrowth(() => store.put(source.stream(), { expectedSha256: expected }));
      expect(put.result).toEqual({ sha256: expected, size: largeBytes });
      const get = await peakRssGrowth(async () => readDigest(await store.get(expected)));
      expect(get.result).toEqual({ sha256: expected, size: largeBytes });
      const bound = largeBytes / 4;
      expect(put.growthBytes).toBeLessThan(bound);
      expect(get.growthBytes).toBeLessThan(bound);
    });

    it('stores the same content once, at the same address', async () => {
      const bytes = Buffer.from('same content');
      const first = await store.put(Readable.from([bytes]));
      const second = await store.put(Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]));
      expect(second).toEqual(first);
      expect((await current.storedObjects()).filter((object) => object.includes(first.sha256))).toHaveLength(1);
      const listed: string[] = [];
      for await (const address of store.list()) listed.push(address);
      expect(listed).toEqual([first.sha256]);
    });

    it('stores concurrent puts of the same content once, each getting the address', async () => {
      const source = new GeneratedBytes(3 * 1024 * 1024 + 17, 3);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.put(source.stream())));
      const sha256 = source.sha256();
      expect(results).toEqual(Array.from({ length: 8 }, () => ({ sha256, size: source.size })));
      expect(await current.storedObjects()).toEqual([expect.stringContaining(sha256)]);
      expect(await readDigest(await store.get(sha256))).toEqual({ sha256, size: source.size });
    });

    it('accepts a matching expectedSha256', async () => {
      const bytes = Buffer.from('expected');
      expect(await store.put(Readable.from([bytes]), { expectedSha256: sha256Of(bytes) })).toEqual({ sha256: sha256Of(bytes), size: 8 });
    });

    it('refuses bytes that do not match expectedSha256 and keeps nothing', async () => {
      const bytes = Buffer.from('not what was announced');
      const announced = sha256Of(Buffer.from('something else'));
      const error = await rejection(store.put(Readable.from([bytes]), { expectedSha256: announced }));
      expect(error).toBeInstanceOf(ChecksumMismatchError);
      expect(error).toMatchObject({ expectedSha256: announced, actualSha256: sha256Of(bytes) });
      expect(await store.has(sha256Of(bytes))).toBe(false);
      expect(await store.has(announced)).toBe(false);
      expect(await current.storedObjects()).toEqual([]);
    });

    it('refuses an upload beyond maxBytes as soon as the limit is crossed, naming the limit, keeping nothing', async () => {
      const source = new GeneratedBytes(64 * 1024 * 1024, 5);
      const error = await rejection(store.put(source.stream(), { maxBytes: 1024 * 1024 }));
      expect(error).toBeInstanceOf(ArtifactTooLargeError);
      expect(error.message).toContain('1048576 bytes');
      expect(source.consumed).toBeLessThan(source.size / 4);
      expect(await current.storedObjects()).toEqual([]);
    });

    it('accepts an upload of exactly maxBytes', async () => {
      const bytes = Buffer.alloc(1000, 1);
      expect(await store.put(Readable.from([bytes]), { maxBytes: 1000 })).toEqual({ sha256: sha256Of(bytes), size: 1000 });
      await expect(store.put(Readable.from([Buffer.alloc(0)]), { maxBytes: 0 })).resolves.toEqual({ sha256: emptySha256, size: 0 });
    });

    it('passes on the error of a failing source and keeps nothing', async () => {
      const failing = new Readable({ read() {} });
      failing.push(Buffer.alloc(1024, 2));
      setImmediate(() => failing.destroy(new Error('client went away')));
      await expect(store.put(failing)).rejects.toThrow('client went away');
      expect(await current.storedObjects()).toEqual([]);
    });

    it('detects corrupted storage: a full read errors with ChecksumMismatchError at its end', async () => {
      const bytes = Buffer.from('precious build output');
      const { sha256 } = await store.put(Readable.from([bytes]));
      const flipped = Buffer.from(bytes);
      flipped[3] = flipped[3]! ^ 0x01;
      await current.corrupt(sha256, flipped);
      const error = await rejection(readBytes(await store.get(sha256)));
      expect(error).toBeInstanceOf(ChecksumMismatchError);
      expect(error).toMatchObject({ expectedSha256: sha256, actualSha256: sha256Of(flipped) });
      await current.corrupt(sha256, Buffer.from('short'));
      expect(await rejection(readBytes(await store.get(sha256)))).toBeInstanceOf(ChecksumMismatchError);
    });

    it('reads byte ranges (inclusive, unverified) and refuses one beyond the end', async () => {
      const bytes = Buffer.from('0123456789');
      const { sha256 } = await store.put(Readable.from([bytes]));
      expect((await readBytes(await store.get(sha256, { range: { start: 2, end: 4 } }))).toString()).toBe('234');
      expect((await readBytes(await store.get(sha256, { range: { start: 7 } }))).toString()).toBe('789');
      expect((await readBytes(await store.get(sha256, { range: { start: 8, end: 100 } }))).toString()).toBe('89');
      const error = await rejection(store.get(sha256, { range: { start: 10 } }));
      expect(error).toBeInstanceOf(RangeNotSatisfiableError);
      expect(error).toMatchObject({ size: 10, start: 10 });
    });

    it('has, stat, list and delete', async () => {
      const stored = await Promise.all(['a', 'b', 'c'].map((text) => store.put(Readable.from([Buffer.from(text)]))));
      const listed: string[] = [];
      for await (const address of store.list()) listed.push(address);
      expect(listed.sort()).toEqual(stored.map((s) => s.sha256).sort());
      const [gone, kept] = stored as [(typeof stored)[0], (typeof stored)[0]];
      await store.delete(gone.sha256);
      expect(await store.has(gone.sha256)).toBe(false);
      expect(await store.has(kept.sha256)).toBe(true);
      await expect(store.delete(gone.sha256)).resolves.toBeUndefined();
      await expect(store.get(gone.sha256)).rejects.toBeInstanceOf(ArtifactNotFoundError);
      await expect(store.stat(gone.sha256)).rejects.toBeInstanceOf(ArtifactNotFoundError);
      const after: string[] = [];
      for await (const address of store.list()) after.push(address);
      expect(after).not.toContain(gone.sha256);
      expect(after).toHaveLength(2);
    });

    it('refuses addresses that are not 64 lowercase hex characters', async () => {
      const bad = ['', 'abc', 'A'.repeat(64), 'g'.repeat(64), 'a'.repeat(65), `../../${'a'.repeat(58)}`, `${'a'.repeat(62)}/x`];
      for (const address of bad) {
        for (const call of [() => store.get(address), () => store.has(address), () => store.stat(address), () => store.delete(address)]) {
          const error = await rejection(call());
          expect(error).toBeInstanceOf(ArtifactStoreInputError);
          expect(error).toMatchObject({ field: 'sha256' });
        }
      }
    });

    it('refuses bad put and range options before reading anything', async () => {
      const cases: [Parameters<ArtifactStore['put']>[1], string][] = [
        [{ maxBytes: -1 }, 'maxBytes'],
        [{ maxBytes: 1.5 }, 'maxBytes'],
        [{ maxBytes: Number.NaN }, 'maxBytes'],
        [{ expectedSha256: 'ABC' }, 'expectedSha256'],
      ];
      for (const [putOptions, field] of cases) {
        const source = new GeneratedBytes(10);
        const error = await rejection(store.put(source.stream(), putOptions));
        expect(error).toBeInstanceOf(ArtifactStoreInputError);
        expect(error).toMatchObject({ field });
        expect(source.consumed).toBe(0);
      }
      const { sha256 } = await store.put(Readable.from([Buffer.from('ranged')]));
      await expect(store.get(sha256, { range: { start: -1 } })).rejects.toMatchObject({ field: 'range.start' });
      await expect(store.get(sha256, { range: { start: 3, end: 2 } })).rejects.toMatchObject({ field: 'range.end' });
      expect(await current.storedObjects()).toEqual([expect.stringContaining(sha256)]);
    });
  });
}
