import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchive, openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { ExtractedInputs } from './extracted-inputs';

describe('extracted inputs: an input artifact extracted once per worker, copied into each job', () => {
  let root: string;
  let store: ArtifactStore;
  let fullReads: number;
  let counted: ArtifactStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-extracted-inputs-'));
    store = await openFilesystemArtifactStore({ root: join(root, 'store') });
    fullReads = 0;
    counted = Object.assign(Object.create(store) as ArtifactStore, {
      get: (sha256: string, options?: Parameters<ArtifactStore['get']>[1]) => {
        if (!options?.range) fullReads += 1;
        return store.get(sha256, options);
      },
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const archiveOf = async (files: Record<string, string>, extra?: (dir: string) => Promise<void>): Promise<string> => {
    const dir = await mkdtemp(join(root, 'tree-'));
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    await extra?.(dir);
    return (await store.put(createArchive(dir, 'zip'))).sha256;
  };

  it('extracts once for many jobs, each getting a copy of its own with modes, timestamps and links kept', async () => {
    const sha = await archiveOf({ 'a.txt': 'a', 'bin/run.sh': '#!/bin/sh\necho run' }, async (dir) => {
      await chmod(join(dir, 'bin/run.sh'), 0o755);
      await symlink('a.txt', join(dir, 'link'));
    });
    const inputs = new ExtractedInputs(join(root, 'jobs'));
    const targets = [1, 2, 3, 4].map((i) => join(root, `job-${i}`));
    await Promise.all(targets.map((target) => inputs.copyInto(counted, sha, target)));
    expect(fullReads).toBe(1);
    for (const target of targets) {
      expect(await readFile(join(target, 'a.txt'), 'utf8')).toBe('a');
      expect((await stat(join(target, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
      expect((await lstat(join(target, 'link'))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(target, 'link'))).toBe('a.txt');
    }
    // A job changing its copy changes nobody else's, nor what the next job gets.
    await writeFile(join(targets[0]!, 'a.txt'), 'changed');
    await inputs.copyInto(counted, sha, join(root, 'job-5'));
    expect(await readFile(join(targets[1]!, 'a.txt'), 'utf8')).toBe('a');
    expect(await readFile(join(root, 'job-5', 'a.txt'), 'utf8')).toBe('a');
    // Timestamps are the tree's, not the copy's: a copy made later has the same.
    expect((await stat(join(root, 'job-5', 'bin/run.sh'))).mtimeMs).toBe((await stat(join(targets[1]!, 'bin/run.sh'))).mtimeMs);
    expect((await stat(join(root, 'job-5', 'bin'))).mtimeMs).toBe((await stat(join(targets[1]!, 'bin'))).mtimeMs);
    expect(fullReads).toBe(1);
    await inputs.close();
  });

  it('keeps its trees where no job can pass, and removes them when the worker stops', async () => {
    const sha = await archiveOf({ 'a.txt': 'a' });
    const inputs = new ExtractedInputs(join(root, 'jobs'));
    await inputs.copyInto(counted, sha, join(root, 'job-1'));
    const [folder] = (await readdir(join(root, 'jobs'))).filter((name) => name.startsWith('.inputs-'));
    expect(folder).toBeDefined();
    expect((await stat(join(root, 'jobs', folder!))).mode & 0o777).toBe(0o700);
    await inputs.close();
    expect((await readdir(join(root, 'jobs'))).filter((name) => name.startsWith('.inputs-'))).toEqual([]);
  });

  it('does not keep a failed extraction: the next job tries again', async () => {
    const inputs = new ExtractedInputs(join(root, 'jobs'));
    const missing = 'f'.repeat(64);
    await expect(inputs.copyInto(counted, missing, join(root, 'job-1'))).rejects.toThrow();
    const sha = await archiveOf({ 'a.txt': 'a' });
    await expect(inputs.copyInto(counted, sha, join(root, 'job-2'))).resolves.toBeUndefined();
    await inputs.close();
  });

  it('extracts a tree again while its evicted copy is still being removed, each job getting it whole', async () => {
    const inputs = new ExtractedInputs(join(root, 'jobs'), { maxTrees: 1, maxBytes: 1024 * 1024 * 1024 });
    const files = (tag: string) => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i % 10}/f${i}.txt`, `${tag} ${i}`]));
    const [first, second] = [await archiveOf(files('first')), await archiveOf(files('second'))];
    // Each copy evicts the other tree, whose removal runs on while the next job asks for it again.
    for (let round = 0; round < 3; round++) {
      for (const [sha256, tag] of [[first!, 'first'], [second!, 'second']] as const) {
        const target = join(root, `job-${round}-${tag}`);
        await inputs.copyInto(counted, sha256, target);
        const names = (await readdir(target, { recursive: true })).filter((name) => name.endsWith('.txt'));
        expect(names).toHaveLength(30);
        expect(await readFile(join(target, 'd7/f27.txt'), 'utf8')).toBe(`${tag} 27`);
      }
    }
    await inputs.close();
  });

  it('lets the least recently used trees go past its limits', async () => {
    const inputs = new ExtractedInputs(join(root, 'jobs'), { maxTrees: 2, maxBytes: 1024 * 1024 });
    const [first, second, third] = [await archiveOf({ 'a.txt': '1' }), await archiveOf({ 'a.txt': '2' }), await archiveOf({ 'a.txt': '3' })];
    await inputs.copyInto(counted, first!, join(root, 'job-1'));
    await inputs.copyInto(counted, second!, join(root, 'job-2'));
    await inputs.copyInto(counted, first!, join(root, 'job-3'));
    await inputs.copyInto(counted, third!, join(root, 'job-4'));
    expect(fullReads).toBe(3);
    // `second` was the least recently used: it is extracted again, `first` is not.
    await inputs.copyInto(counted, first!, join(root, 'job-5'));
    expect(fullReads).toBe(3);
    await inputs.copyInto(counted, second!, join(root, 'job-6'));
    expect(fullReads).toBe(4);
    await inputs.close();
  });
});
