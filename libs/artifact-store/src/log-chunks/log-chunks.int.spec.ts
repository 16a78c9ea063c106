import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactStore } from '../artifact-store';
import { ChecksumMismatchError } from '../errors';
import { openFilesystemArtifactStore, type FilesystemArtifactStore } from '../filesystem';
import { openS3ArtifactStore } from '../s3';
import { startS3rver, s3rverCredentials, type LocalS3Server } from '../testing/start-s3rver';
import { LogChunkCorruptError, LogChunkReader, writeLogChunk } from './log-chunks';
import { parseLogStoreLocation } from './log-store-location';

const texts = ['compiling…\n', 'ünïcødé ✓ line\nsecond line\n', '', 'no newline yet', 'x'.repeat(70_000) + '\n'];

function chunkContract(name: string, open: () => Promise<{ store: ArtifactStore; dispose(): Promise<void> }>) {
  describe(`log chunks on ${name}`, () => {
    let store: ArtifactStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ store, dispose } = await open()));
    afterEach(() => dispose());

    it('stores a batch as one chunk and reads each text back from its reference', async () => {
      const refs = await writeLogChunk(store, texts);
      expect(new Set(refs.map((ref) => ref.key)).size).toBe(1);
      expect(refs.map((ref) => ref.lines)).toEqual([1, 2, 0, 0, 1]);
      expect(refs.map((ref) => ref.size)).toEqual(texts.map((text) => Buffer.byteLength(text)));
      expect(refs[1]!.offset).toBe(Buffer.byteLength(texts[0]!));
      const listed: string[] = [];
      for await (const address of store.list()) listed.push(address);
      expect(listed).toEqual([refs[0]!.key]);
      expect((await store.stat(refs[0]!.key)).size).toBe(texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0));
      const reader = new LogChunkReader(store);
      expect(await reader.readAll([...refs].reverse())).toEqual([...texts].reverse());
    });

    it('stores the same batch once', async () => {
      const first = await writeLogChunk(store, ['a\n', 'b\n']);
      const again = await writeLogChunk(store, ['a\n', 'b\n']);
      expect(again).toEqual(first);
      const listed: string[] = [];
      for await (const address of store.list()) listed.push(address);
      expect(listed).toHaveLength(1);
    });
  });
}

chunkContract('the filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-logs-'));
  return { store: await openFilesystemArtifactStore({ root, fsync: false }), dispose: () => rm(root, { recursive: true, force: true }) };
});

describe('s3 (s3rver)', () => {
  let server: LocalS3Server;
  beforeAll(async () => {
    server = await startS3rver('sluice-logs');
  });
  afterAll(() => server?.stop());
  chunkContract('S3', async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), 'sluice-spool-'));
    const store = await openS3ArtifactStore({ bucket: 'sluice-logs', prefix: `logs-${Math.random().toString(36).slice(2)}/`, endpoint: server.endpoint, credentials: s3rverCredentials, spoolDir });
    return { store, dispose: () => rm(spoolDir, { recursive: true, force: true }) };
  });
});

describe('the log chunk reader', () => {
  let root: string;
  let store: FilesystemArtifactStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-logs-'));
    store = await openFilesystemArtifactStore({ root, fsync: false });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reads a chunk once for all the texts of a page, and keeps no more chunks than its cache holds', async () => {
    const batches = await Promise.all([0, 1, 2, 3].map((batch) => writeLogChunk(store, Array.from({ length: 100 }, (_, line) => `batch ${batch} line ${line} ${'.'.repeat(90)}\n`))));
    let gets = 0;
    const get = store.get.bind(store);
    store.get = (address, options) => {
      gets++;
      return get(address, options);
    };
    const reader = new LogChunkReader(store, { cacheBytes: 25_000 });
    const page = await reader.readAll(batches[0]!);
    expect(page[99]).toMatch(/^batch 0 line 99 /);
    expect(gets).toBe(1);
    for (const refs of batches) await reader.readAll(refs);
    expect(gets).toBe(4);
    // Each chunk is ~11 KB: two fit in 25 KB, the rest were let go.
    expect(reader.cached.chunks).toBe(2);
    expect(reader.cached.bytes).toBeLessThanOrEqual(25_000);
    await reader.read(batches[3]![5]!);
    expect(gets).toBe(4);
    await reader.read(batches[0]![5]!);
    expect(gets).toBe(5);
  });

  it('says a chunk removed by retention is expired, and reads the others', async () => {
    const [gone] = await writeLogChunk(store, ['an old line\n']);
    const [kept] = await writeLogChunk(store, ['a recent line\n']);
    await store.delete(gone!.key);
    const reader = new LogChunkReader(store);
    expect(await reader.readUnlessExpired(gone!)).toBeNull();
    expect(await reader.readUnlessExpired(kept!)).toBe('a recent line\n');
  });

  it('refuses a chunk whose bytes changed', async () => {
    const [ref] = await writeLogChunk(store, ['the real line\n']);
    const path = store.pathOf(ref!.key);
    await chmod(path, 0o644);
    await writeFile(path, 'the fake line\n');
    await expect(new LogChunkReader(store).read(ref!)).rejects.toBeInstanceOf(ChecksumMismatchError);
    const [other] = await writeLogChunk(store, ['another line\n']);
    await expect(new LogChunkReader(store).read({ ...other!, sha256: '0'.repeat(64) })).rejects.toBeInstanceOf(LogChunkCorruptError);
  });
});

describe('a log store location', () => {
  it('is a folder or an s3 URL, logs under their own prefix', () => {
    expect(parseLogStoreLocation('/var/lib/sluice/logs')).toEqual({ kind: 'filesystem', root: '/var/lib/sluice/logs' });
    expect(parseLogStoreLocation('s3://sluice-logs?endpoint=http://127.0.0.1:9000&region=eu-west-1')).toEqual({ kind: 's3', bucket: 'sluice-logs', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' });
    expect(parseLogStoreLocation('s3://sluice-logs?bogus=1')).toEqual({ problem: 'unknown parameter(s) bogus: use endpoint, region, prefix' });
    expect(parseLogStoreLocation('ftp://x')).toEqual({ problem: "unknown scheme in 'ftp://x': use a folder or s3://bucket?endpoint=…" });
  });
});
