import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readlink, symlink, utimes } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveLimits, ArtifactStore } from '@sluice/artifact-store';
import { removeTree } from '../providers/files/remove-tree';
import { unpackArtifact } from './artifact-archives';

export interface ExtractedInputsLimits {
  /** Trees kept at most (16). */
  maxTrees: number;
  /** Bytes of files kept at most (512 MiB). */
  maxBytes: number;
}

interface Entry {
  path: string;
  bytes: number;
  ready: Promise<void>;
  /** Jobs copying from it now: it is not removed under them. */
  users: number;
}

/**
 * Input artifacts extracted once per worker and copied into each job that takes them. An artifact is named by the
 * sha256 of its bytes, so an extracted tree never goes stale; the actions of a stage that all take the source
 * paid one extraction each (open, verify, spool, unzip: 30-80 ms for ten small files), where a copy is a few ms.
 * Each job still gets a copy of its own to change as it likes. The trees are the worker's (0700, outside every
 * job's sandbox), the least recently used go past the limits, and the folder goes when the worker stops.
 */
export class ExtractedInputs {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private extractions = 0;
  private folder: Promise<string> | undefined;

  constructor(
    private readonly root: string = join(tmpdir(), 'sluice-jobs'),
    private readonly limits: ExtractedInputsLimits = { maxTrees: 16, maxBytes: 512 * 1024 * 1024 },
  ) {}

  /** Writes the tree of the archive at `sha256` to `target` (which must not exist), extracting it first if needed. */
  async copyInto(store: ArtifactStore, sha256: string, target: string, archiveLimits?: Partial<ArchiveLimits>): Promise<void> {
    let entry = this.entries.get(sha256);
    if (entry) {
      // Most recently used last.
      this.entries.delete(sha256);
      this.entries.set(sha256, entry);
    } else {
      // Set before any await: the jobs of a stage asking at once share one extraction.
      const created: Entry = { path: '', bytes: 0, users: 0, ready: Promise.resolve() };
      created.ready = (async () => {
        // A folder of its own per extraction: an evicted tree of the same artifact may still be being removed.
        created.path = join(await this.ownFolder(), `${sha256}.${++this.extractions}`);
        const { totalBytes } = await unpackArtifact(store, sha256, created.path, archiveLimits);
        created.bytes = totalBytes;
        this.bytes += totalBytes;
      })();
      created.ready.catch(() => {
        if (this.entries.get(sha256) === created) this.entries.delete(sha256);
        if (created.path) void removeTree(created.path).catch(() => undefined);
      });
      this.entries.set(sha256, created);
      entry = created;
    }
    entry.users += 1;
    try {
      await entry.ready;
      await copyTree(entry.path, target);
    } finally {
      entry.users -= 1;
      this.evict();
    }
  }

  /** Removes every tree (the worker stops). */
  async close(): Promise<void> {
    const folder = this.folder;
    this.folder = undefined;
    this.entries.clear();
    this.bytes = 0;
    if (folder) await removeTree(await folder).catch(() => undefined);
  }

  private ownFolder(): Promise<string> {
    this.folder ??= (async () => {
      await mkdir(this.root, { recursive: true, mode: 0o711 });
      // 0700: no job's user passes through it, and several workers on one machine each have their own.
      return mkdtemp(join(this.root, '.inputs-'));
    })();
    return this.folder;
  }

  private evict(): void {
    for (const [sha256, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxTrees && this.bytes <= this.limits.maxBytes) return;
      if (entry.users > 0) continue;
      this.entries.delete(sha256);
      this.bytes -= entry.bytes;
      void entry.ready.then(() => removeTree(entry.path)).catch(() => undefined);
    }
  }
}

/**
 * A copy of one of the worker's extracted trees (regular files, folders and symlinks, which unpacking alone made):
 * modes, timestamps and links as they are, into `target`, which must not exist. The entries of a folder are copied at
 * once rather than one after another as `fs.cp` does: a job's copy of ten files took ~50 ms of the platform's busy
 * event loop one operation at a time, a few ms this way (issue 18).
 */
async function copyTree(source: string, target: string): Promise<void> {
  const folder = await lstat(source);
  await mkdir(target);
  // As the tree has it, whatever the umask.
  await chmod(target, folder.mode & 0o7777);
  await Promise.all(
    (await readdir(source, { withFileTypes: true })).map(async (entry) => {
      const from = join(source, entry.name);
      const to = join(target, entry.name);
      if (entry.isDirectory()) return copyTree(from, to);
      if (entry.isSymbolicLink()) return symlink(await readlink(from), to);
      if (!entry.isFile()) throw new Error(`${from} is neither a file, a folder nor a link: an extracted tree holds no such entry`);
      // copyFile keeps the mode; COPYFILE_EXCL: the target is new, nothing is overwritten.
      await copyFile(from, to, constants.COPYFILE_EXCL);
      const stats = await lstat(from);
      await utimes(to, stats.atime, stats.mtime);
    }),
  );
  await utimes(target, folder.atime, folder.mtime);
}
