import { chmod, lstat, mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderFailure } from '../providers/provider-failure';
import { assertOwnFolder, handOver, readJobFile } from './job-files';
import { testSandbox } from './testing/test-sandbox';

// What the worker reads back from a job's folders after the job: never through a link the job made.
describe('job files', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-job-files-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const failure = async (pending: Promise<unknown>): Promise<ProviderFailure> => {
    const error = await pending.then(() => undefined, (caught: unknown) => caught);
    if (!(error instanceof ProviderFailure)) throw new Error(`expected a ProviderFailure, got ${String(error)}`);
    return error;
  };

  it('reads a regular file, and nothing for a missing one', async () => {
    await writeFile(join(root, 'vars'), 'A=1\n');
    expect(await readJobFile(join(root, 'vars'), 100, 'vars')).toBe('A=1\n');
    expect(await readJobFile(join(root, 'absent'), 100, 'absent')).toBe('');
  });

  it('refuses a symlink (to a secret of the worker), a folder and a file over the limit', async () => {
    await writeFile(join(root, 'secret'), 'admin token');
    await symlink(join(root, 'secret'), join(root, 'vars'));
    expect((await failure(readJobFile(join(root, 'vars'), 100, '$SLUICE_OUTPUT_VARIABLES'))).message).toBe('$SLUICE_OUTPUT_VARIABLES is a symbolic link: refused');
    await mkdir(join(root, 'dir'));
    expect((await failure(readJobFile(join(root, 'dir'), 100, 'dir'))).message).toBe('dir is not a regular file');
    await writeFile(join(root, 'big'), 'x'.repeat(101));
    expect((await failure(readJobFile(join(root, 'big'), 100, 'big'))).message).toBe('big holds 101 bytes, more than 100');
  });

  it('refuses a folder the job swapped for a link out of its workspace', async () => {
    await mkdir(join(root, 'source'));
    await assertOwnFolder(join(root, 'source'), 'the commands\' folder');
    await rename(join(root, 'source'), join(root, 'moved'));
    await symlink('/etc', join(root, 'source'));
    expect((await failure(assertOwnFolder(join(root, 'source'), 'the commands\' folder'))).message).toBe("the commands' folder is no longer a folder of the job (it was replaced by a link or removed)");
  });

  it('hands the job what it may write without following its links, and leaves the folders around it passable only', async () => {
    const sandbox = await testSandbox();
    if (!sandbox.owner) return; // Not root: nothing changes hands, the user namespace alone separates.
    const secret = join(root, 'worker-secret');
    await writeFile(secret, 'admin token', { mode: 0o600 });
    const source = join(root, 'source');
    await mkdir(source);
    await writeFile(join(source, 'app.txt'), 'app');
    await symlink(secret, join(source, 'link-to-secret'));
    await chmod(root, 0o700);
    await handOver(sandbox.owner, [source], [root]);
    expect((await stat(join(source, 'app.txt'))).uid).toBe(sandbox.owner.uid);
    expect((await lstat(join(source, 'link-to-secret'))).uid).toBe(sandbox.owner.uid);
    expect((await stat(secret)).uid).toBe(0);
    expect((await stat(root)).mode & 0o777).toBe(0o711);
  });

  it('hands over a nested tree, small or large, never through a link to a folder outside it', async () => {
    const sandbox = await testSandbox();
    if (!sandbox.owner) return;
    const outside = join(root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'kept.txt'), 'the worker\'s');
    for (const [name, files] of [['small', 10], ['large', 600]] as const) {
      const tree = join(root, name);
      await mkdir(join(tree, 'a', 'b'), { recursive: true });
      for (let i = 0; i < files; i += 1) await writeFile(join(tree, 'a', 'b', `f${i}.txt`), String(i));
      await symlink(outside, join(tree, 'a', 'link-to-outside'));
      await handOver(sandbox.owner, [tree], [root]);
      for (const path of [tree, join(tree, 'a'), join(tree, 'a', 'b'), join(tree, 'a', 'b', 'f0.txt'), join(tree, 'a', 'b', `f${files - 1}.txt`)]) {
        expect([name, path, (await lstat(path)).uid]).toEqual([name, path, sandbox.owner.uid]);
      }
      expect((await lstat(join(tree, 'a', 'link-to-outside'))).uid).toBe(sandbox.owner.uid);
      expect((await stat(outside)).uid).toBe(0);
      expect((await stat(join(outside, 'kept.txt'))).uid).toBe(0);
    }
  });
});
