import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readBytes } from '../contract/read-all';
import { UnsafeArchiveEntryError } from './archive-errors';
import { archiveFormats } from './archive-options';
import { createArchive } from './create-archive';
import { extractArchive } from './extract-archive';
import { walkTree } from './walk-tree';

let work: string;
let tree: string;

/** What a tree holds, comparable across copies: kinds, contents, link targets, the execute bit. */
async function describeTree(root: string): Promise<unknown[]> {
  return Promise.all(
    (await walkTree(root)).map(async (entry) => {
      if (entry.kind === 'symlink') return { path: entry.path, symlink: entry.target };
      if (entry.kind === 'directory') return { path: entry.path, directory: true };
      const sha256 = createHash('sha256').update(await readFile(entry.absolutePath)).digest('hex');
      return { path: entry.path, size: entry.size, sha256, executable: (entry.mode & 0o100) !== 0 };
    }),
  );
}

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-archive-'));
  tree = join(work, 'tree');
  await mkdir(join(tree, 'a', 'b', 'c'), { recursive: true });
  await writeFile(join(tree, 'a', 'b', 'c', 'deep.txt'), 'deep down\n');
  await writeFile(join(tree, 'empty.txt'), '');
  await mkdir(join(tree, 'ünïcødé'));
  await writeFile(join(tree, 'ünïcødé', '日本語.txt'), 'こんにちは\n');
  await writeFile(join(tree, 'emoji 🚀.md'), '# launch\n');
  await mkdir(join(tree, 'empty-dir'));
  await mkdir(join(tree, 'bin'));
  await writeFile(join(tree, 'bin', 'run.sh'), '#!/bin/sh\necho ok\n');
  await chmod(join(tree, 'bin', 'run.sh'), 0o755);
  await writeFile(join(tree, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 5, 'z'));
  await symlink('a/b/c/deep.txt', join(tree, 'link-to-deep'));
  await symlink('..', join(tree, 'a', 'up'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.each(archiveFormats)('createArchive + extractArchive round trip (%s)', (format) => {
  it('restores nested folders, an empty file and folder, unicode names, modes and in-tree symlinks from a stream', async () => {
    const out = join(work, 'out');
    const result = await extractArchive(createArchive(tree, format), out, { format });
    expect(await describeTree(out)).toEqual(await describeTree(tree));
    expect(result.totalBytes).toBe(10 + 16 + 9 + 18 + 3 * 1024 * 1024 + 5);
    expect(await readFile(join(out, 'link-to-deep'), 'utf8')).toBe('deep down\n');
    expect(await readFile(join(out, 'a', 'up', 'empty.txt'), 'utf8')).toBe('');
  });

  it('extracts from a file path as well', async () => {
    const file = join(work, `tree.${format}`);
    await pipeline(createArchive(tree, format), createWriteStream(file));
    await extractArchive(file, join(work, 'out'), { format });
    expect(await describeTree(join(work, 'out'))).toEqual(await describeTree(tree));
  });

  it('makes the same bytes for the same tree (one tree, one address)', async () => {
    const first = await readBytes(createArchive(tree, format));
    const second = await readBytes(createArchive(tree, format));
    expect(second.equals(first)).toBe(true);
  });

  it('refuses to archive a symlink pointing out of the tree', async () => {
    await symlink('../../etc/passwd', join(tree, 'a', 'escape'));
    const error = await readBytes(createArchive(tree, format)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(error).toMatchObject({ entry: 'a/escape' });
  });

  it('refuses to archive a name extraction would refuse (a backslash)', async () => {
    await writeFile(join(tree, 'windows\\name.txt'), 'x');
    const error = await readBytes(createArchive(tree, format)).catch((e: Error) => e);
    expect(error).toMatchObject({ entry: 'windows\\name.txt' });
  });
});
