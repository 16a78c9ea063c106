import { lstat, mkdir, readdir, readlink, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree } from '../files/remove-tree';
import { ProviderFailure } from '../provider-failure';

/**
 * A directory deploy target: `<path>/releases/<id>/` holds each release, `<path>/current` is a
 * symlink to the live one (`releases/<id>`, relative, so the target folder can be moved), and
 * `<path>/.sluice-releases/<id>.json` marks each release this provider wrote. Only marked releases
 * are listed, pruned and rolled back to: anything else in the folder was put there by someone else
 * and is never touched. Releases made before the markers existed are left alone the same way.
 */
export const RELEASES = 'releases';
export const CURRENT = 'current';
export const MARKERS = '.sluice-releases';
/** Releases being copied, not yet complete: never listed, never pointed at. */
export const INCOMING_PREFIX = '.incoming-';

/** `20240301T100000123Z-<execution>[.<n>]`: UTC time first, so names sort by time. */
export const RELEASE_ID = /^\d{8}T\d{9}Z-[A-Za-z0-9_-]{0,64}(\.\d+)?$/;

/** What `<path>/current` points at: nothing yet, a marked release, or a release an older Sluice made before markers. */
export type LiveRelease = { kind: 'none' } | { kind: 'marked'; release: string } | { kind: 'unmarked'; release: string };

/** The ids of the releases this provider wrote (those with a marker), oldest first. */
export async function listReleases(path: string): Promise<string[]> {
  const markers = join(path, MARKERS);
  if ((await entryKind(markers)) === 'none' || (await entryKind(join(path, RELEASES))) === 'none') return [];
  await assertRealFolder(markers);
  await assertRealFolder(join(path, RELEASES));
  const ids = (await readdir(markers)).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter((id) => RELEASE_ID.test(id));
  const present = await Promise.all(ids.map(async (id) => ((await entryKind(join(path, RELEASES, id))) === 'folder' ? id : undefined)));
  return present.filter((id): id is string => id !== undefined).sort();
}

/**
 * What `current` points at. Refuses — rather than ever replacing it — a `current` that is not a symlink
 * to `releases/<id>` as this provider makes them: a real folder, a file, a link elsewhere.
 */
export async function liveRelease(path: string, marked: readonly string[]): Promise<LiveRelease> {
  const current = join(path, CURRENT);
  const kind = await entryKind(current);
  if (kind === 'none') return { kind: 'none' };
  if (kind !== 'symlink') throw new ProviderFailure(`${current} exists and is not a symlink: refusing to replace it`, 'ConfigurationError');
  const target = await readlink(current);
  const release = target.startsWith(`${RELEASES}/`) ? target.slice(RELEASES.length + 1) : '';
  if (!RELEASE_ID.test(release)) throw new ProviderFailure(`${current} points at ${JSON.stringify(target)}, not at a release Sluice made: refusing to replace it`, 'ConfigurationError');
  return marked.includes(release) ? { kind: 'marked', release } : { kind: 'unmarked', release };
}

/** The id of the live release when this provider wrote it; undefined before the first deploy or when `current` points at an unmarked release. */
export async function currentRelease(path: string): Promise<string | undefined> {
  const live = await liveRelease(path, await listReleases(path));
  return live.kind === 'marked' ? live.release : undefined;
}

/** Makes `<path>/releases` (and `<path>` itself) when missing; refuses a `releases` that is a symlink, which could lead anywhere. */
export async function ensureReleasesFolder(path: string): Promise<string> {
  const releases = join(path, RELEASES);
  await mkdir(releases, { recursive: true });
  await assertRealFolder(releases);
  return releases;
}

/**
 * Marks a complete release as this provider's: the marker is written under a temporary name and
 * renamed, so a marker is whole or absent, and it comes after the release folder has its final name,
 * so a marked release is always complete (a crash in between leaves an unmarked folder, left alone).
 */
export async function markRelease(path: string, release: string, details: { pipelineExecutionId: string; createdAt: Date }): Promise<void> {
  const markers = join(path, MARKERS);
  await mkdir(markers, { recursive: true });
  await assertRealFolder(markers);
  const incoming = join(markers, `${INCOMING_PREFIX}${release}.json`);
  await writeFile(incoming, `${JSON.stringify({ release, pipelineExecutionId: details.pipelineExecutionId, createdAt: details.createdAt.toISOString(), writtenBy: 'Deploy/Sluice/Directory/1' })}\n`, { flag: 'wx' });
  await rename(incoming, join(markers, `${release}.json`));
}

/** Whether `release` is taken: its folder or its marker exists. */
export async function releaseTaken(path: string, release: string): Promise<boolean> {
  return (await entryKind(join(path, RELEASES, release))) !== 'none' || (await entryKind(join(path, MARKERS, `${release}.json`))) !== 'none';
}

/**
 * Points `current` at `release` atomically: a new symlink is made beside it and renamed over it, so a
 * reader sees the old release or the new one, never nothing and never a mix.
 */
export async function switchCurrent(path: string, release: string): Promise<void> {
  await liveRelease(path, await listReleases(path));
  const next = join(path, `.${CURRENT}-${release}`);
  // A link of that name can only be an interrupted switch to this very release; anything else is not ours.
  const leftover = await entryKind(next);
  if (leftover !== 'none') {
    if (leftover !== 'symlink' || (await readlink(next)) !== join(RELEASES, release)) throw new ProviderFailure(`${next} exists and is not a link Sluice made: refusing to replace it`, 'ConfigurationError');
    await unlink(next);
  }
  await symlink(join(RELEASES, release), next);
  // rename refuses to put a link over a folder, so a `current` made a folder meanwhile is not replaced either.
  await rename(next, join(path, CURRENT));
}

/** Removes all but the newest `keep` marked releases, folder then marker; the live one is always kept. Returns the removed ids. */
export async function pruneReleases(path: string, keep: number): Promise<string[]> {
  const releases = await listReleases(path);
  const live = await liveRelease(path, releases);
  const removed = releases.slice(0, Math.max(0, releases.length - keep)).filter((release) => live.kind === 'none' || release !== live.release);
  for (const release of removed) {
    await removeTree(join(path, RELEASES, release));
    await unlink(join(path, MARKERS, `${release}.json`));
  }
  return removed;
}

/**
 * Switches `current` back: to `toRelease`, or to the marked release before the live one. A rollback
 * makes no copy, so it is as atomic as a deploy and instant. Returns the releases it switched between.
 */
export async function rollbackDirectoryDeploy(path: string, toRelease?: string): Promise<{ from: string | undefined; to: string }> {
  const releases = await listReleases(path);
  const live = await liveRelease(path, releases);
  const from = live.kind === 'none' ? undefined : live.release;
  let to = toRelease;
  if (to === undefined) {
    const index = live.kind === 'marked' ? releases.indexOf(live.release) : -1;
    to = index > 0 ? releases[index - 1] : undefined;
    if (to === undefined) throw new ProviderFailure(`no release before ${from ?? '(none)'} in ${join(path, RELEASES)} to roll back to`, 'ConfigurationError');
  } else if (!releases.includes(to)) {
    throw new ProviderFailure(`release ${JSON.stringify(to)} not found among the releases Sluice made in ${join(path, RELEASES)} (have ${releases.join(', ') || 'none'})`, 'ConfigurationError');
  }
  await switchCurrent(path, to);
  return { from, to };
}

async function entryKind(path: string): Promise<'none' | 'folder' | 'symlink' | 'other'> {
  try {
    const stats = await lstat(path);
    return stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}

async function assertRealFolder(path: string): Promise<void> {
  if ((await entryKind(path)) !== 'folder') throw new ProviderFailure(`${path} is not a folder (a symlink or a file): refusing to deploy through it`, 'ConfigurationError');
}
