import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, realpath, symlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveLimitExceededError, UnsafeArchiveEntryError } from './archive-errors';
import type { ArchiveLimits } from './archive-options';
import { assertSafeSymlinkTarget, entrySegments } from './entry-path';

/** Keeps permission bits a build needs (read, write for the owner, execute); drops setuid, setgid, sticky and group/other write. */
const safeMode = (mode: number | undefined, fallback: number): number => (mode === undefined || mode === 0 ? fallback : (mode & 0o755) | 0o600);

/**
 * Writes the entries of one archive into a staging folder, enforcing the limits on actual bytes and
 * the path rules. Symlinks are made last, once every entry is known: while files are written no
 * symlink exists, so no write can be redirected through one.
 */
export class EntryWriter {
  private entries = 0;
  private totalBytes = 0;
  private readonly symlinks = new Map<string, { entry: string; segments: string[]; target: string }>();
  private readonly written = new Set<string>();
  /** Folders implied by the paths written so far. */
  private readonly folders = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly limits: ArchiveLimits,
  ) {}

  get summary(): { entries: number; totalBytes: number } {
    return { entries: this.entries, totalBytes: this.totalBytes };
  }

  /** Counts an entry and checks its name and declared size; returns its path segments. */
  begin(entry: string, declaredBytes = 0): string[] {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveLimitExceededError('maxEntries', this.limits.maxEntries, entry, `more than ${this.limits.maxEntries} entries`);
    }
    const segments = entrySegments(entry);
    if (declaredBytes > this.limits.maxEntryBytes) {
      throw new ArchiveLimitExceededError('maxEntryBytes', this.limits.maxEntryBytes, entry, `declares ${declaredBytes} bytes`);
    }
    if (this.totalBytes + declaredBytes > this.limits.maxTotalBytes) {
      throw new ArchiveLimitExceededError('maxTotalBytes', this.limits.maxTotalBytes, entry, `declares ${declaredBytes} bytes after ${this.totalBytes}`);
    }
    for (let length = 1; length < segments.length; length++) {
      if (this.symlinks.has(segments.slice(0, length).join('/'))) {
        throw new UnsafeArchiveEntryError(entry, `lies inside symlink ${segments.slice(0, length).join('/')}`);
      }
    }
    return segments;
  }

  async directory(entry: string, segments: string[], mode?: number): Promise<void> {
    await mkdir(this.pathOf(segments), { recursive: true, mode: safeMode(mode, 0o755) });
  }

  /** Writes the entry's bytes, counting them as they come: headers may lie, inflated bytes do not. */
  async file(entry: string, segments: string[], content: AsyncIterable<Buffer>, mode?: number): Promise<number> {
    if (segments.length === 0) throw new UnsafeArchiveEntryError(entry, 'a file entry without a name');
    this.claim(entry, segments);
    const path = this.pathOf(segments);
    await mkdir(dirname(path), { recursive: true });
    let entryBytes = 0;
    const limits = this.limits;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        entryBytes += chunk.length;
        this.totalBytes += chunk.length;
        if (entryBytes > limits.maxEntryBytes) {
          return callback(new ArchiveLimitExceededError('maxEntryBytes', limits.maxEntryBytes, entry, 'more bytes while inflating'));
        }
        if (this.totalBytes > limits.maxTotalBytes) {
          return callback(new ArchiveLimitExceededError('maxTotalBytes', limits.maxTotalBytes, entry, 'more bytes while inflating'));
        }
        callback(null, chunk);
      },
    });
    try {
      await pipeline(content, counter, createWriteStream(path, { flags: 'wx', mode: safeMode(mode, 0o644) }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UnsafeArchiveEntryError(entry, 'a second entry with the same path');
      throw error;
    }
    return entryBytes;
  }

  /** A hard link to a regular file extracted earlier from the same archive. */
  async hardLink(entry: string, segments: string[], target: string): Promise<void> {
    if (segments.length === 0) throw new UnsafeArchiveEntryError(entry, 'a hard link without a name');
    let targetSegments: string[];
    try {
      targetSegments = entrySegments(target);
    } catch {
      throw new UnsafeArchiveEntryError(entry, `hard link to ${JSON.stringify(target)} points outside the target`);
    }
    const targetPath = this.pathOf(targetSegments);
    if (!this.written.has(targetSegments.join('/')) || !(await lstat(targetPath)).isFile()) {
      throw new UnsafeArchiveEntryError(entry, `hard link to ${JSON.stringify(target)}, which is not a file extracted before it`);
    }
    this.claim(entry, segments);
    await mkdir(dirname(this.pathOf(segments)), { recursive: true });
    await link(targetPath, this.pathOf(segments));
  }

  symlink(entry: string, segments: string[], target: string): void {
    if (segments.length === 0) throw new UnsafeArchiveEntryError(entry, 'a symlink without a name');
    const key = segments.join('/');
    if (this.symlinks.has(key) || this.written.has(key)) throw new UnsafeArchiveEntryError(entry, 'a second entry with the same path');
    this.symlinks.set(key, { entry, segments, target });
  }

  /** Makes the symlinks, each checked against the full set of the archive's symlinks. */
  async finish(): Promise<{ entries: number; totalBytes: number }> {
    const isSymlink = (segments: string[]) => this.symlinks.has(segments.join('/'));
    for (const { entry, segments, target } of this.symlinks.values()) {
      assertSafeSymlinkTarget(entry, segments, target, isSymlink);
      if (this.folders.has(segments.join('/'))) throw new UnsafeArchiveEntryError(entry, 'symlink in place of a folder that holds other entries');
    }
    const root = await realpath(this.root);
    for (const { entry, segments, target } of this.symlinks.values()) {
      const path = this.pathOf(segments);
      await mkdir(dirname(path), { recursive: true });
      try {
        await symlink(target, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UnsafeArchiveEntryError(entry, 'a second entry with the same path');
        throw error;
      }
    }
    // Belt and braces: whatever the rules above missed, no link may resolve outside the folder.
    for (const { entry, segments, target } of this.symlinks.values()) {
      const resolved = await realpath(this.pathOf(segments)).catch(() => undefined);
      if (resolved !== undefined && resolved !== root && !resolved.startsWith(root + sep)) {
        throw new UnsafeArchiveEntryError(entry, `symlink to ${JSON.stringify(target)} resolves outside the target`);
      }
    }
    return this.summary;
  }

  private claim(entry: string, segments: string[]): void {
    const key = segments.join('/');
    if (this.written.has(key) || this.symlinks.has(key)) throw new UnsafeArchiveEntryError(entry, 'a second entry with the same path');
    this.written.add(key);
    for (let length = 1; length < segments.length; length++) this.folders.add(segments.slice(0, length).join('/'));
  }

  private pathOf(segments: string[]): string {
    return join(this.root, ...segments);
  }
}
