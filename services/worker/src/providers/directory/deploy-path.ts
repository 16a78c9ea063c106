import { isAbsolute, normalize, sep } from 'node:path';
import { ProviderFailure } from '../provider-failure';

/**
 * The `Path` to deploy into, normalised: absolute, no `..` segment, not the root, and under one of
 * `allowedRoots` when the operator gave some.
 */
export function deployPath(raw: string, allowedRoots: readonly string[] | undefined): string {
  const refuse = (why: string): never => {
    throw new ProviderFailure(`Path ${JSON.stringify(raw)} ${why}`, 'ConfigurationError');
  };
  if (raw.includes('\0')) refuse('contains a NUL character');
  if (!isAbsolute(raw)) refuse('must be absolute');
  if (raw.split(/[/\\]/).includes('..')) refuse('must not contain ".."');
  const path = normalize(raw).replace(/[/\\]+$/, '');
  if (path === '') refuse('must not be the root folder');
  if (allowedRoots !== undefined && !allowedRoots.some((root) => isUnder(path, normalize(root).replace(/[/\\]+$/, '')))) {
    refuse(`is outside the folders this worker deploys to (${allowedRoots.join(', ')})`);
  }
  return path;
}

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}
