import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ArchiveInputError } from './archive-errors';

/**
 * Runs `fill` on a fresh folder next to `targetDir` (same filesystem) and renames it to `targetDir`
 * only if `fill` succeeded: a refused archive leaves nothing behind, a good one appears at once.
 * The target must not exist or be an empty folder.
 */
export async function intoStagingFolder<T>(targetDir: string, fill: (staging: string, scratch: string) => Promise<T>): Promise<T> {
  const target = resolve(targetDir);
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new ArchiveInputError('targetDir', `${target} exists and is not a folder`);
    throw error;
  });
  if (existing !== undefined && existing.length > 0) throw new ArchiveInputError('targetDir', `${target} exists and is not empty`);
  await mkdir(dirname(target), { recursive: true });
  const scratch = await mkdtemp(join(dirname(target), `.${basename(target)}.extracting-`));
  const staging = join(scratch, 'tree');
  try {
    await mkdir(staging);
    const result = await fill(staging, scratch);
    await chmod(staging, 0o755);
    await rename(staging, target);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
