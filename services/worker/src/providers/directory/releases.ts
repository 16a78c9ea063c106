import { lstat, mkdir, readdir, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { removeTree } from '../files/remove-tree';
import { ProviderFailure } from '../provider-failure';

/**
 * A directory deploy target: `<path>/releases/<id>/` holds each release, `<path>/current` is a
 * symlink to the live one (`releases/<id>`, relative, so the target folder can be moved).
 */
export const RELEASES = 'releases';
export const CURRENT = 'current';
/** Releases being copied, not yet complete: never listed, never pointed at. */
export const INCOMING_PREFIX = '.incoming-';

/** Release ids, oldest first (ids start with a UTC timestamp, so names sort by time). */
export async function listReleases(path: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(path, RELEASES));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => !name.startsWith('.')).sort();
}

/** The id of the live release, or undefined before the first deploy. */
export async function currentRelease(path: string): Promise<string | undefined> {
  try {
    return basename(await readlink(join(path, CURRENT)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EINVAL') throw new ProviderFailure(`${join(path, CURRENT)} exists and is not a symlink: refusing to replace it`, 'ConfigurationError');
    throw error;
  }
}

/**
 * Points `current` at `release` atomically: a new symlink is made beside it and renamed over it, so a
 * reader sees the old release or the new one, never nothing and never a mix.
 */
export async function switchCurrent(path: string, release: string): Promise<void> {
  const current = join(path, CURRENT);
  const stats = await lstat(current).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stats !== undefined && !stats.isSymbolicLink()) throw new ProviderFailure(`${current} exists and is not a symlink: refusing to replace it`, 'ConfigurationError');
  const next = join(path, `.${CURRENT}-${release}`);
  await unlink(next).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await symlink(join(RELEASES, release), next);
  await rename(next, current);
}

/** Removes all but the newest `keep` releases; the live one is always kept. Returns the removed ids. */
export async function pruneReleases(path: string, keep: number): Promise<string[]> {
  const live = await currentRelease(path);
  const releases = await listReleases(path);
  const removed = releases.slice(0, Math.max(0, releases.length - keep)).filter((release) => release !== live);
  for (const release of removed) await removeTree(join(path, RELEASES, release));
  return removed;
}

export async function ensureReleasesFolder(path: string): Promise<string> {
  const releases = join(path, RELEASES);
  await mkdir(releases, { recursive: true });
  return releases;
}

/**
 * Switches `current` back: to `toRelease`, or to the release before the live one. A rollback makes
 * no copy, so it is as atomic as a deploy and instant. Returns the releases it switched between.
 */
export async function rollbackDirectoryDeploy(path: string, toRelease?: string): Promise<{ from: string | undefined; to: string }> {
  const releases = await listReleases(path);
  const from = await currentRelease(path);
  let to = toRelease;
  if (to === undefined) {
    const index = from === undefined ? -1 : releases.indexOf(from);
    to = index > 0 ? releases[index - 1] : undefined;
    if (to === undefined) throw new ProviderFailure(`no release before ${from ?? '(none)'} in ${join(path, RELEASES)} to roll back to`, 'ConfigurationError');
  } else if (!releases.includes(to)) {
    throw new ProviderFailure(`release ${JSON.stringify(to)} not found in ${join(path, RELEASES)} (have ${releases.join(', ') || 'none'})`, 'ConfigurationError');
  }
  await switchCurrent(path, to);
  return { from, to };
}
