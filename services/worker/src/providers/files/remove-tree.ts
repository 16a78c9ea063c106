import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { walkEntries } from './walk-entries';

/**
 * Removes `path` and everything under it. Builds leave read-only folders behind (Go's module cache,
 * `chmod -R a-w`), whose entries cannot be unlinked; those are made writable first, then removal is tried again.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await makeFoldersWritable(path);
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function makeFoldersWritable(root: string): Promise<void> {
  await chmod(root, 0o700);
  await walkEntries(root, async (entry) => {
    if (entry.kind === 'directory') await chmod(join(root, entry.path), 0o700);
    return true;
  });
}
