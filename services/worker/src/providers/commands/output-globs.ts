import { cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Minimatch } from 'minimatch';
import { walkEntries } from '../files/walk-entries';
import { ProviderFailure } from '../provider-failure';

export const everything = ['**/*'];

/**
 * Copies what `patterns` match under `from` into `to`, keeping relative paths. Patterns are globs
 * relative to `from` (`dist/**`, `*.tgz`); one that matches a folder takes all of it.
 * Dot files match like others. A symlink is copied as a symlink.
 */
export async function copyMatching(from: string, to: string, patterns: string[], artifactName: string): Promise<number> {
  const matchers = patterns.map((pattern) => new Minimatch(pattern.replace(/^\.\//, ''), { dot: true }));
  await mkdir(to, { recursive: true });
  let copied = 0;
  await walkEntries(from, async (entry) => {
    if (entry.kind === 'other' || !matchers.some((matcher) => matcher.match(entry.path))) return true;
    await mkdir(dirname(join(to, entry.path)), { recursive: true });
    await cp(join(from, entry.path), join(to, entry.path), { recursive: true, verbatimSymlinks: true, errorOnExist: false, force: true });
    copied += 1;
    return false;
  });
  if (copied === 0) {
    throw new ProviderFailure(`output artifact ${artifactName}: no file matches ${patterns.map((pattern) => JSON.stringify(pattern)).join(', ')}`, 'JobFailed');
  }
  return copied;
}
