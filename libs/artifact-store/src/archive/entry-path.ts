import { UnsafeArchiveEntryError } from './archive-errors';

/**
 * The path segments of an entry name, relative to the target; refuses names that could land
 * anywhere else. Lexical on purpose: nothing on disk is consulted, so nothing on disk can fool it.
 * `[]` is the target itself (a `./` directory entry).
 */
export function entrySegments(name: string): string[] {
  if (name.includes('\0')) throw new UnsafeArchiveEntryError(name, 'NUL character in the name');
  if (name.includes('\\')) throw new UnsafeArchiveEntryError(name, 'backslash in the name (a Windows separator could escape the target)');
  if (name.startsWith('/')) throw new UnsafeArchiveEntryError(name, 'absolute path');
  if (/^[A-Za-z]:/.test(name)) throw new UnsafeArchiveEntryError(name, 'Windows drive path');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new UnsafeArchiveEntryError(name, "'..' segment escapes the target");
  return segments;
}

/**
 * Checks that the symlink at `linkSegments` pointing to `target` stays inside the extraction root,
 * walking the target one segment at a time from the link's folder. `isSymlink` tells which paths of
 * the archive are symlinks: a target passing through another symlink (`b -> a/..` with `a -> .`)
 * is refused, because only the first link's lexical target was checked, not where it really leads.
 */
export function assertSafeSymlinkTarget(entry: string, linkSegments: string[], target: string, isSymlink: (segments: string[]) => boolean): void {
  if (target === '') throw new UnsafeArchiveEntryError(entry, 'symlink with an empty target');
  if (target.includes('\0')) throw new UnsafeArchiveEntryError(entry, 'NUL character in the symlink target');
  if (target.includes('\\')) throw new UnsafeArchiveEntryError(entry, `symlink target ${JSON.stringify(target)} has a backslash`);
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) {
    throw new UnsafeArchiveEntryError(entry, `symlink to an absolute path ${JSON.stringify(target)} points outside the target`);
  }
  const resolved = linkSegments.slice(0, -1);
  const parts = target.split('/').filter((part) => part !== '' && part !== '.');
  parts.forEach((part, index) => {
    if (part === '..') {
      if (resolved.length === 0) throw new UnsafeArchiveEntryError(entry, `symlink to ${JSON.stringify(target)} points outside the target`);
      resolved.pop();
      return;
    }
    resolved.push(part);
    if (index < parts.length - 1 && isSymlink(resolved)) {
      throw new UnsafeArchiveEntryError(entry, `symlink to ${JSON.stringify(target)} goes through another symlink (${resolved.join('/')})`);
    }
  });
}
