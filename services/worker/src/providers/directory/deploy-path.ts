import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { ProviderFailure } from '../provider-failure';

/** The operator's setting that lists the folders Directory deploys may go under. */
export const DEPLOY_ROOTS_VARIABLE = 'SLUICE_DEPLOY_ROOTS';

/**
 * The `Path` to deploy into, normalised: absolute, no `..` segment, not the root. No `allowedRoots`
 * means no Directory deploy at all: a pipeline's `Path` (which a variable may set) must never reach a
 * folder the operator did not hand over. Whether it lies under a root is decided on disk
 * (`assertRealPathUnderRoots`).
 */
export function deployPath(raw: string, allowedRoots: readonly string[] | undefined): string {
  if (allowedRoots === undefined || allowedRoots.length === 0) {
    throw new ProviderFailure(`Directory deploys are turned off on this worker: no folder is allowed to deploy to (${DEPLOY_ROOTS_VARIABLE} lists them)`, 'ConfigurationError');
  }
  const refuse = (why: string): never => {
    throw new ProviderFailure(`Path ${JSON.stringify(raw)} ${why}`, 'ConfigurationError');
  };
  if (raw.includes('\0')) refuse('contains a NUL character');
  if (!isAbsolute(raw)) refuse('must be absolute');
  if (raw.split(/[/\\]/).includes('..')) refuse('must not contain ".."');
  const path = withoutTrailingSeparator(raw);
  if (path === '') refuse('must not be the root folder');
  return path;
}

/**
 * Refuses a `path` whose place on disk is not under an allowed root's: symlinks on the way
 * (`<root>/site -> /etc`) are followed, for the path and for the roots alike, before comparing.
 */
export async function assertRealPathUnderRoots(path: string, allowedRoots: readonly string[]): Promise<void> {
  const real = await realLocation(path);
  const roots = await Promise.all(allowedRoots.map((root) => realLocation(withoutTrailingSeparator(root))));
  if (roots.some((root) => isUnder(real, root))) return;
  const named = allowedRoots.some((root) => isUnder(path, withoutTrailingSeparator(root)));
  const where = named ? `leads to ${JSON.stringify(real)} through a symlink, outside` : 'is outside';
  throw new ProviderFailure(`Path ${JSON.stringify(path)} ${where} the folders this worker deploys to (${allowedRoots.join(', ')}: ${DEPLOY_ROOTS_VARIABLE})`, 'ConfigurationError');
}

/** Where `path` is on disk: the real path of its deepest existing ancestor, then the parts still to be made. */
async function realLocation(path: string): Promise<string> {
  let existing = path;
  const rest: string[] = [];
  while (!(await entryExists(existing))) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    return join(await realpath(existing), ...rest);
  } catch (error) {
    // A symlink that points nowhere: mkdir would refuse it, and where it leads cannot be checked.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ProviderFailure(`${existing} is a symlink to nothing: refusing to deploy through it`, 'ConfigurationError');
    throw error;
  }
}

async function entryExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

function withoutTrailingSeparator(path: string): string {
  return normalize(path).replace(/[/\\]+$/, '');
}

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}
