import { cp, mkdir, mkdtemp } from 'node:fs/promises';
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
        created.path = join(await this.ownFolder(), sha256);
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
      await cp(entry.path, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
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
