import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, lchown, lstat, open, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ProviderFailure } from '../providers/provider-failure';
import type { SandboxOwner } from './job-sandbox';

const run = promisify(execFile);

/**
 * Gives the job's user what it may write (recursively, symlinks themselves and never what they point
 * at), and lets it pass through `traversable` folders without listing them: a folder the worker keeps
 * (root-owned) cannot be swapped for a symlink by the job, so what the worker reads back is the job's.
 */
export async function handOver(owner: SandboxOwner, writable: string[], traversable: string[]): Promise<void> {
  await Promise.all(traversable.map((folder) => chmod(folder, 0o711)));
  if (writable.length === 0) return;
  // A job's folders are mostly a few files the worker just made: changed in this process, without a `chown`
  // process per job, all at once rather than one after another (each waits for a turn of the platform's loop).
  // A large tree (an input artifact of many files) goes to `chown -hR`, which walks it faster.
  const budget = { entries: IN_PROCESS_ENTRIES };
  const inProcess = await Promise.all(writable.map((path) => chownTree(path, owner, budget)));
  if (inProcess.includes(false)) await run('chown', ['-hR', `${owner.uid}:${owner.gid}`, '--', ...writable]);
}

/** Entries changed in this process before the rest goes to `chown -hR`. */
const IN_PROCESS_ENTRIES = 256;

/** `lchown` of `path` and, for a real folder (never a link's target), everything under it; false once the budget is spent. */
async function chownTree(path: string, owner: SandboxOwner, budget: { entries: number }): Promise<boolean> {
  if ((budget.entries -= 1) < 0) return false;
  await lchown(path, owner.uid, owner.gid);
  const stat = await lstat(path);
  if (!stat.isDirectory()) return true;
  const entries = await readdir(path, { withFileTypes: true });
  if (entries.length > budget.entries) return false;
  return (await Promise.all(entries.map((entry) => chownTree(join(path, entry.name), owner, budget)))).every(Boolean);
}

/** Refuses a folder the job replaced by a symlink (or anything else): the worker never follows a job's link out of its workspace. */
export async function assertOwnFolder(path: string, what: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  const real = await realpath(path).catch(() => undefined);
  const expected = await realpath(dirname(path)).then((parent) => join(parent, basename(path)), () => undefined);
  if (stat === undefined || !stat.isDirectory() || real === undefined || real !== expected) {
    throw new ProviderFailure(`${what} is no longer a folder of the job (it was replaced by a link or removed)`, 'JobFailed');
  }
}

/** A file the job wrote, read without following a symlink, at most `maxBytes`. */
export async function readJobFile(path: string, maxBytes: number, what: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'ELOOP') throw new ProviderFailure(`${what} is a symbolic link: refused`, 'JobFailed');
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ProviderFailure(`${what} is not a regular file`, 'JobFailed');
    if (stat.size > maxBytes) throw new ProviderFailure(`${what} holds ${stat.size} bytes, more than ${maxBytes}`, 'JobFailed');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
