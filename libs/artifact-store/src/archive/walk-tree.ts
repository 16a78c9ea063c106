import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveInputError } from './archive-errors';

export type TreeEntry =
  | { kind: 'directory'; path: string; mode: number }
  | { kind: 'file'; path: string; absolutePath: string; mode: number; size: number }
  | { kind: 'symlink'; path: string; target: string };

/** The entries under `root` (paths relative, `/`-separated), sorted so archives of one tree are identical. Links are not followed. */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  async function visit(relative: string): Promise<void> {
    const names = (await readdir(join(root, relative))).sort();
    for (const name of names) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const absolutePath = join(root, path);
      const stats = await lstat(absolutePath);
      if (stats.isDirectory()) {
        entries.push({ kind: 'directory', path, mode: stats.mode & 0o777 });
        await visit(path);
      } else if (stats.isFile()) {
        entries.push({ kind: 'file', path, absolutePath, mode: stats.mode & 0o777, size: stats.size });
      } else if (stats.isSymbolicLink()) {
        entries.push({ kind: 'symlink', path, target: await readlink(absolutePath) });
      } else {
        throw new ArchiveInputError('dir', `${absolutePath} is neither a file, a folder nor a symlink`);
      }
    }
  }
  await visit('');
  return entries;
}
