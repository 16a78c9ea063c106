import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { assertArtifactAddress, isArtifactAddress, validatePutOptions, validateRange } from '../address';
import type { ArtifactAddress, ArtifactStore, GetArtifactOptions, PutArtifactOptions, StoredArtifact } from '../artifact-store';
import { ArtifactNotFoundError, ChecksumMismatchError, RangeNotSatisfiableError } from '../errors';
import { spoolToFile } from '../streams/spool-to-file';
import { verifySha256 } from '../streams/verify-sha256';
import { fanOutPath, isFanOutSegment } from './fan-out-path';

export interface FilesystemArtifactStoreOptions {
  /** Default `./.sluice/artifacts`. */
  root?: string;
  /** fsync files and folders before an artifact counts as stored. Default true; tests may turn it off. */
  fsync?: boolean;
}

/** Larger reads than the 64 KiB default: fewer chunks through the hash and the consumer. */
const readChunkBytes = 1024 * 1024;

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function statOrUndefined(path: string): Promise<{ size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function fsyncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Artifacts as read-only files under `root/ab/cd/<sha256>`. Uploads are written to `root/tmp/` (same
 * filesystem) and renamed to their address once hashed, so an address never shows partial bytes.
 */
export class FilesystemArtifactStore implements ArtifactStore {
  private readonly tempDir: string;

  private constructor(
    readonly root: string,
    private readonly fsync: boolean,
  ) {
    this.tempDir = join(root, 'tmp');
  }

  static async open(options: FilesystemArtifactStoreOptions = {}): Promise<FilesystemArtifactStore> {
    const store = new FilesystemArtifactStore(resolve(options.root ?? './.sluice/artifacts'), options.fsync ?? true);
    await mkdir(store.tempDir, { recursive: true });
    return store;
  }

  /** Where the artifact's file is (or would be). */
  pathOf(sha256: ArtifactAddress): string {
    assertArtifactAddress(sha256);
    return fanOutPath(this.root, sha256);
  }

  async put(source: Readable, options: PutArtifactOptions = {}): Promise<StoredArtifact> {
    validatePutOptions(options);
    const temp = join(this.tempDir, `${randomUUID()}.part`);
    const stored = await spoolToFile(source, temp, { maxBytes: options.maxBytes, fsync: this.fsync });
    try {
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== stored.sha256) {
        throw new ChecksumMismatchError(options.expectedSha256, stored.sha256, 'upload');
      }
      const target = fanOutPath(this.root, stored.sha256);
      // Same size: the same content is already there. A different size can only be a damaged copy,
      // which the fresh, verified bytes replace.
      if ((await statOrUndefined(target))?.size === stored.size) return stored;
      await mkdir(dirname(target), { recursive: true });
      await chmod(temp, 0o444);
      await rename(temp, target);
      if (this.fsync) await fsyncFolder(dirname(target));
      return stored;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(sha256: ArtifactAddress, options: GetArtifactOptions = {}): Promise<Readable> {
    assertArtifactAddress(sha256);
    if (options.range) validateRange(options.range);
    let handle: FileHandle;
    try {
      handle = await open(fanOutPath(this.root, sha256), 'r');
    } catch (error) {
      if (isMissing(error)) throw new ArtifactNotFoundError(sha256);
      throw error;
    }
    if (options.range) {
      const { size } = await handle.stat();
      if (options.range.start >= size) {
        await handle.close();
        throw new RangeNotSatisfiableError(sha256, size, options.range.start);
      }
      return handle.createReadStream({ start: options.range.start, end: options.range.end, highWaterMark: readChunkBytes });
    }
    const verifier = verifySha256(sha256, `reading artifact ${sha256}`);
    // Errors of either stream reach the reader through `verifier`; destroying it closes the file.
    pipeline(handle.createReadStream({ highWaterMark: readChunkBytes }), verifier, () => undefined);
    return verifier;
  }

  async has(sha256: ArtifactAddress): Promise<boolean> {
    return (await statOrUndefined(this.pathOf(sha256))) !== undefined;
  }

  async stat(sha256: ArtifactAddress): Promise<{ size: number }> {
    const found = await statOrUndefined(this.pathOf(sha256));
    if (!found) throw new ArtifactNotFoundError(sha256);
    return { size: found.size };
  }

  async delete(sha256: ArtifactAddress): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<ArtifactAddress> {
    for (const first of await readdir(this.root)) {
      if (!isFanOutSegment(first)) continue;
      for (const second of await readdirOrEmpty(join(this.root, first))) {
        if (!isFanOutSegment(second)) continue;
        for (const name of await readdirOrEmpty(join(this.root, first, second))) {
          if (isArtifactAddress(name) && name.startsWith(first + second)) yield name;
        }
      }
    }
  }

  async close(): Promise<void> {}
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

export const openFilesystemArtifactStore = (options?: FilesystemArtifactStoreOptions): Promise<FilesystemArtifactStore> =>
  FilesystemArtifactStore.open(options);
