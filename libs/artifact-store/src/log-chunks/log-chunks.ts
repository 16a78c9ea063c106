import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifact-store';
import { ArtifactNotFoundError } from '../errors';
import { readBytes } from '../contract/read-all';

/**
 * Where one piece of text (an action's log entry) lives in a log store: a slice of one stored chunk. An event holds
 * this instead of the text (docs/decisions/0049).
 */
export interface LogChunkRef {
  /** The chunk's address in the store: the sha256 of its bytes. */
  key: string;
  /** Where the text starts in the chunk, in bytes. */
  offset: number;
  /** Its length in bytes (UTF-8). */
  size: number;
  /** The sha256 of the text's own bytes: a ranged read of the slice can be checked alone. */
  sha256: string;
  /** How many lines it ends (newlines it holds). */
  lines: number;
  /**
   * Whose chunk it is (an execution id): its bytes start with a header naming the owner, so no other owner's chunk
   * has its address and retention may delete it with its owner (docs/decisions/0056). Absent on chunks written
   * before, which two executions printing the same bytes share.
   */
  owner?: string;
}

/** The bytes a chunk of `owner` starts with, before its texts: what makes its address the owner's alone. */
export function logChunkHeader(owner: string): Buffer {
  return Buffer.from(`sluice log chunk of ${owner}\n`, 'utf8');
}

/**
 * Stores `texts` as one chunk (their UTF-8 bytes one after another, after the owner's header when one is named) and
 * answers where each text is in it. Readers read slices by offset, so the header is never part of a text.
 */
export async function writeLogChunk(store: ArtifactStore, texts: readonly string[], owner?: string): Promise<LogChunkRef[]> {
  const parts = texts.map((text) => Buffer.from(text, 'utf8'));
  const header = owner === undefined ? Buffer.alloc(0) : logChunkHeader(owner);
  const bytes = Buffer.concat([header, ...parts]);
  const key = createHash('sha256').update(bytes).digest('hex');
  // Content-addressed: a batch sent twice is stored once.
  await store.put(Readable.from([bytes]), { expectedSha256: key });
  let offset = header.length;
  return parts.map((part) => {
    const ref: LogChunkRef = { key, offset, size: part.length, sha256: createHash('sha256').update(part).digest('hex'), lines: countLines(part), ...(owner === undefined ? {} : { owner }) };
    offset += part.length;
    return ref;
  });
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  return lines;
}

export interface LogChunkReaderOptions {
  /** Bytes of whole chunks kept after a read, the most recently used first (default 16 MiB). */
  cacheBytes?: number;
}

/** A slice that does not hash to its reference's sha256: the chunk is not the one the event was written with. */
export class LogChunkCorruptError extends Error {
  constructor(readonly ref: LogChunkRef) {
    super(`The log chunk ${ref.key} does not hold the expected bytes at ${ref.offset}+${ref.size}`);
    this.name = 'LogChunkCorruptError';
  }
}

/**
 * Reads texts back from their references. A chunk is read whole once (checked against its address by the store) and
 * kept in a bounded cache, so the entries of one page, which mostly share a few chunks, cost a few reads.
 */
export class LogChunkReader {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private readonly sizes = new Map<string, number>();
  private cachedBytes = 0;
  private readonly cacheBytes: number;

  constructor(
    private readonly store: ArtifactStore,
    options: LogChunkReaderOptions = {},
  ) {
    this.cacheBytes = options.cacheBytes ?? 16 * 1024 * 1024;
  }

  async read(ref: LogChunkRef): Promise<string> {
    const chunk = await this.chunk(ref.key);
    const slice = chunk.subarray(ref.offset, ref.offset + ref.size);
    if (slice.length !== ref.size || createHash('sha256').update(slice).digest('hex') !== ref.sha256) throw new LogChunkCorruptError(ref);
    return slice.toString('utf8');
  }

  /**
   * The text, or null when its chunk is no longer in the store: removed by the logs' retention (a bucket's lifecycle
   * rule, a sweep of the folder), so the entry is expired, not lost by mistake (docs/decisions/0049).
   */
  async readUnlessExpired(ref: LogChunkRef): Promise<string | null> {
    try {
      return await this.read(ref);
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return null;
      throw error;
    }
  }

  /** Texts of several references, each distinct chunk read once. */
  readAll(refs: readonly LogChunkRef[]): Promise<string[]> {
    return Promise.all(refs.map((ref) => this.read(ref)));
  }

  private chunk(key: string): Promise<Buffer> {
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Most recently used last: the Map's order is the eviction order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const reading = this.store.get(key).then(readBytes);
    this.cache.set(key, reading);
    reading.then(
      (bytes) => {
        if (this.cache.get(key) !== reading) return;
        this.sizes.set(key, bytes.length);
        this.cachedBytes += bytes.length;
        this.evict();
      },
      () => {
        if (this.cache.get(key) === reading) this.cache.delete(key);
      },
    );
    return reading;
  }

  private evict(): void {
    for (const key of this.cache.keys()) {
      if (this.cachedBytes <= this.cacheBytes) return;
      const size = this.sizes.get(key);
      if (size === undefined) continue; // still being read
      this.cache.delete(key);
      this.sizes.delete(key);
      this.cachedBytes -= size;
    }
  }

  /** What the cache holds now (for tests and metrics). */
  get cached(): { chunks: number; bytes: number } {
    return { chunks: this.sizes.size, bytes: this.cachedBytes };
  }
}
