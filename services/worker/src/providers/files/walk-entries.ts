import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkedEntry {
  /** Relative to the root, `/`-separated. */
  path: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

/**
 * The entries under `root`, parents before children, symlinks not followed. `visit` returns false to
 * skip a directory's content.
 */
export async function walkEntries(root: string, visit: (entry: WalkedEntry) => boolean | Promise<boolean>): Promise<void> {
  async function walk(relative: string): Promise<void> {
    const dirents: Dirent[] = await readdir(relative === '' ? root : join(root, relative), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const kind = dirent.isSymbolicLink() ? 'symlink' : dirent.isDirectory() ? 'directory' : dirent.isFile() ? 'file' : 'other';
      const descend = await visit({ path, kind });
      if (kind === 'directory' && descend) await walk(path);
    }
  }
  await walk('');
}
