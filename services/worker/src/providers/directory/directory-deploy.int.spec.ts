import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { directoryDeployProvider } from './directory-deploy-provider';
import { currentRelease, listReleases, rollbackDirectoryDeploy } from './releases';

describe('Deploy/Directory on a real folder', () => {
  const jobs = new TestJobs();
  let clock = Date.parse('2024-05-01T12:00:00.000Z');
  /** The one folder the provider may deploy under (SLUICE_DEPLOY_ROOTS); every target is made inside it. */
  let root: string;
  let provider: ReturnType<typeof directoryDeployProvider>;
  beforeAll(async () => {
    root = await jobs.folder('sluice-deploy-root-');
    provider = directoryDeployProvider({ allowedRoots: [root], now: () => new Date((clock += 1000)) });
  });
  afterAll(() => jobs.cleanUp());

  const newTarget = (): Promise<string> => mkdtemp(join(root, 'target-'));

  async function artifact(version: string, files = 1): Promise<string> {
    const dir = await jobs.folder('sluice-artifact-');
    await mkdir(join(dir, 'assets'));
    for (let index = 0; index < files; index += 1) await writeFile(join(dir, 'assets', `file-${index}.txt`), `${version}\n`);
    await writeFile(join(dir, 'VERSION'), version);
    return dir;
  }

  async function deploy(target: string, version: string, configuration: Record<string, string> = {}, files = 1, io = recordingIo(), using = provider) {
    const job = await jobs.job({
      pipelineExecutionId: `exec-${version}`,
      configuration: { Path: target, ...configuration },
      inputArtifacts: [{ name: 'BuildOutput', directory: await artifact(version, files) }],
    });
    return using.run(job, io);
  }

  const failureOf = (pending: Promise<unknown>): Promise<unknown> => pending.then(() => 'no failure', (error: unknown) => error);

  const live = (target: string): Promise<string> => readFile(join(target, 'current', 'VERSION'), 'utf8');

  it('deploys into a new release and points current at the newest', async () => {
    const target = join(await newTarget(), 'site');
    const first = await deploy(target, 'v1');
    expect(first.outputVariables).toEqual({
      ReleaseId: '20240501T120001000Z-exec-v1',
      ReleasePath: join(target, 'releases', '20240501T120001000Z-exec-v1'),
      CurrentPath: join(target, 'current'),
    });
    const second = await deploy(target, 'v2');
    expect(second.outputVariables['PreviousReleaseId']).toBe('20240501T120001000Z-exec-v1');
    expect(await live(target)).toBe('v2');
    expect(await readlink(join(target, 'current'))).toBe(`releases/${second.outputVariables['ReleaseId']}`);
    expect(await readFile(join(target, 'releases', first.outputVariables['ReleaseId'] ?? '', 'VERSION'), 'utf8')).toBe('v1');
    expect((await readdir(target)).sort()).toEqual(['.sluice-releases', 'current', 'releases']);
    expect((await readdir(join(target, '.sluice-releases'))).sort()).toEqual([`${first.outputVariables['ReleaseId']}.json`, `${second.outputVariables['ReleaseId']}.json`]);
    expect(JSON.parse(await readFile(join(target, '.sluice-releases', `${first.outputVariables['ReleaseId']}.json`), 'utf8'))).toEqual({
      release: first.outputVariables['ReleaseId'],
      pipelineExecutionId: 'exec-v1',
      createdAt: '2024-05-01T12:00:01.000Z',
      writtenBy: 'Deploy/Sluice/Directory/1',
    });
    expect(second.summary).toBe(`Deployed BuildOutput to ${target} as release ${second.outputVariables['ReleaseId']}`);
  });

  it('keeps the newest KeepReleases releases', async () => {
    const target = await newTarget();
    for (const version of ['v1', 'v2', 'v3', 'v4']) await deploy(target, version, { KeepReleases: '2' });
    const releases = await readdir(join(target, 'releases'));
    expect(releases.map((release) => release.replace(/^.*-exec-/, '')).sort()).toEqual(['v3', 'v4']);
    expect(await live(target)).toBe('v4');
  });

  it('rolls back to the previous release, or to a named one, by switching current', async () => {
    const target = await newTarget();
    const ids = [];
    for (const version of ['v1', 'v2', 'v3']) ids.push((await deploy(target, version)).outputVariables['ReleaseId'] ?? '');
    expect(await rollbackDirectoryDeploy(target)).toEqual({ from: ids[2], to: ids[1] });
    expect(await live(target)).toBe('v2');
    expect(await rollbackDirectoryDeploy(target, ids[0])).toEqual({ from: ids[1], to: ids[0] });
    expect(await live(target)).toBe('v1');
    await expect(rollbackDirectoryDeploy(target)).rejects.toThrow(/no release before/);
    await expect(rollbackDirectoryDeploy(target, 'nope')).rejects.toThrow(/release "nope" not found/);
    expect((await readdir(join(target, 'releases'))).length).toBe(3);
  });

  it('swaps atomically: a reader running alongside never misses current nor sees a half-copied release', async () => {
    const target = await newTarget();
    await deploy(target, 'v0', {}, 200);
    const stop = join(await jobs.folder(), 'stop');
    // A separate process, so its reads truly interleave with the deploys' renames.
    const reader = spawn(process.execPath, [
      '-e',
      `const fs = require('fs'); const [dir, stop] = process.argv.slice(1); let reads = 0; const misses = []; const seen = new Set();
       while (!fs.existsSync(stop)) {
         reads++;
         let release;
         try { release = dir + '/' + fs.readlinkSync(dir + '/current'); } catch (e) { misses.push('current: ' + e.code); continue; }
         try { const v = fs.readFileSync(release + '/VERSION', 'utf8'); seen.add(v);
               if (fs.readFileSync(release + '/assets/file-199.txt', 'utf8') !== v + '\\n') misses.push('incomplete ' + release); }
         catch (e) { misses.push(release + ': ' + e.code); }
       }
       console.log(JSON.stringify({ reads, misses, seen: [...seen] }));`,
      target,
      stop,
    ]);
    let output = '';
    reader.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));
    for (let version = 1; version <= 15; version += 1) await deploy(target, `v${version}`, { KeepReleases: '3' }, 200);
    await writeFile(stop, '');
    await exited;
    const report = JSON.parse(output) as { reads: number; misses: string[]; seen: string[] };
    expect(report.misses).toEqual([]);
    expect(report.reads).toBeGreaterThan(100);
    expect(report.seen.length).toBeGreaterThan(1);
    expect(await live(target)).toBe('v15');
    expect((await lstat(join(target, 'current'))).isSymbolicLink()).toBe(true);
    expect((await readdir(join(target, 'releases'))).length).toBe(3);
  });

  it('refuses to replace a current that is a real folder, and a path with ..', async () => {
    const target = await newTarget();
    await mkdir(join(target, 'current'));
    const refused = await deploy(target, 'v1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderFailure);
    expect(refused).toMatchObject({ kind: 'ConfigurationError', message: `${join(target, 'current')} exists and is not a symlink: refusing to replace it` });

    expect(await readdir(target)).toEqual(['current']);

    const escaping = await deploy(`${target}/../elsewhere`, 'v1').catch((error: unknown) => error);
    expect(escaping).toMatchObject({ kind: 'ConfigurationError', message: expect.stringContaining('must not contain ".."') });
  });

  it('refuses a current that links anywhere but a release, touching nothing', async () => {
    const target = await newTarget();
    const elsewhere = await jobs.folder('sluice-elsewhere-');
    await symlink(elsewhere, join(target, 'current'));
    expect(await failureOf(deploy(target, 'v1'))).toMatchObject({ kind: 'ConfigurationError', message: `${join(target, 'current')} points at ${JSON.stringify(elsewhere)}, not at a release Sluice made: refusing to replace it` });
    expect(await readdir(target)).toEqual(['current']);
    expect(await readlink(join(target, 'current'))).toBe(elsewhere);
  });

  it('prunes only its own releases: folders and files it did not write survive KeepReleases 1', async () => {
    const target = await newTarget();
    const foreign = ['a-important', 'b-important', '20200101T000000000Z-made-by-hand'];
    for (const name of foreign) {
      await mkdir(join(target, 'releases', name), { recursive: true });
      await writeFile(join(target, 'releases', name, 'data.txt'), name);
    }
    await writeFile(join(target, 'releases', 'notes.txt'), 'keep me');
    await writeFile(join(target, 'README'), 'mine');

    const ids = [];
    for (const version of ['v1', 'v2', 'v3']) ids.push((await deploy(target, version, { KeepReleases: '1' })).outputVariables['ReleaseId']);
    expect((await readdir(join(target, 'releases'))).sort()).toEqual([...foreign, ids[2], 'notes.txt'].sort());
    for (const name of foreign) expect(await readFile(join(target, 'releases', name, 'data.txt'), 'utf8')).toBe(name);
    expect(await readFile(join(target, 'releases', 'notes.txt'), 'utf8')).toBe('keep me');
    expect(await readFile(join(target, 'README'), 'utf8')).toBe('mine');
    expect(await readdir(join(target, '.sluice-releases'))).toEqual([`${ids[2]}.json`]);
    expect(await live(target)).toBe('v3');
    expect(await listReleases(target)).toEqual([ids[2]]);
    // Nor does a rollback go to a folder it did not write.
    await expect(rollbackDirectoryDeploy(target, 'a-important')).rejects.toThrow(/release "a-important" not found among the releases Sluice made/);
    await expect(rollbackDirectoryDeploy(target)).rejects.toThrow(/no release before/);
  });

  it('leaves the releases of an older Sluice (no marker) alone, and replaces its current', async () => {
    const target = await newTarget();
    const legacy = ['20240101T000000000Z-exec-old1', '20240102T000000000Z-exec-old2'];
    for (const id of legacy) {
      await mkdir(join(target, 'releases', id), { recursive: true });
      await writeFile(join(target, 'releases', id, 'VERSION'), id);
    }
    await symlink(join('releases', legacy[1] ?? ''), join(target, 'current'));
    expect(await currentRelease(target)).toBeUndefined();

    const io = recordingIo();
    const first = await deploy(target, 'v1', { KeepReleases: '1' }, 1, io);
    expect(first.outputVariables['PreviousReleaseId']).toBeUndefined();
    expect(io.text()).toContain(`releases/${legacy[1]} has no Sluice marker (an older Sluice made it): it stays as it is, never pruned nor rolled back to`);
    const second = await deploy(target, 'v2', { KeepReleases: '1' });
    expect(second.outputVariables['PreviousReleaseId']).toBe(first.outputVariables['ReleaseId']);
    expect((await readdir(join(target, 'releases'))).sort()).toEqual([...legacy, second.outputVariables['ReleaseId']]);
    expect(await currentRelease(target)).toBe(second.outputVariables['ReleaseId']);
    expect(await live(target)).toBe('v2');
  });

  it('refuses a Path outside the allowed roots before touching anything, naming it; a sibling sharing the prefix is outside', async () => {
    const outside = await jobs.folder('sluice-outside-');
    const sibling = `${root}-evil`;
    for (const path of [join(outside, 'site'), join(sibling, 'site')]) {
      expect(await failureOf(deploy(path, 'v1'))).toMatchObject({ kind: 'ConfigurationError', message: `Path ${JSON.stringify(path)} is outside the folders this worker deploys to (${root}: SLUICE_DEPLOY_ROOTS)` });
    }
    expect(await readdir(outside)).toEqual([]);
    await expect(lstat(sibling)).rejects.toMatchObject({ code: 'ENOENT' });

    // The root itself, named with a trailing slash or not, is a target too.
    const ownRoot = await newTarget();
    await deploy(ownRoot, 'v1', {}, 1, recordingIo(), directoryDeployProvider({ allowedRoots: [`${ownRoot}/`] }));
    expect(await live(ownRoot)).toBe('v1');
  });

  it('refuses a Path under a root that a symlink leads out of, and a releases folder that is a symlink', async () => {
    const outside = await jobs.folder('sluice-outside-');
    const link = join(await newTarget(), 'link');
    await symlink(outside, link);
    for (const path of [link, join(link, 'site'), join(link, 'deeper', 'site')]) {
      const real = path.replace(link, outside);
      expect(await failureOf(deploy(path, 'v1'))).toMatchObject({
        kind: 'ConfigurationError',
        message: `Path ${JSON.stringify(path)} leads to ${JSON.stringify(real)} through a symlink, outside the folders this worker deploys to (${root}: SLUICE_DEPLOY_ROOTS)`,
      });
    }
    expect(await readdir(outside)).toEqual([]);

    const target = await newTarget();
    await symlink(outside, join(target, 'releases'));
    expect(await failureOf(deploy(target, 'v1'))).toMatchObject({ kind: 'ConfigurationError', message: `${join(target, 'releases')} is not a folder (a symlink or a file): refusing to deploy through it` });
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows symlinks in the roots too: a root named through a link allows what lies under it', async () => {
    const linkedRoot = join(await jobs.folder('sluice-root-link-'), 'root');
    await symlink(root, linkedRoot);
    const throughLink = directoryDeployProvider({ allowedRoots: [linkedRoot] });
    const target = await newTarget();
    await deploy(target, 'v1', {}, 1, recordingIo(), throughLink);
    await deploy(join(linkedRoot, target.slice(root.length + 1)), 'v2', {}, 1, recordingIo(), throughLink);
    expect(await live(target)).toBe('v2');
  });

  it.each([[undefined], [[]]])('refuses every deploy when no root is configured (%j), naming SLUICE_DEPLOY_ROOTS', async (allowedRoots) => {
    const target = await newTarget();
    const failure = await failureOf(deploy(target, 'v1', {}, 1, recordingIo(), directoryDeployProvider({ allowedRoots })));
    expect(failure).toMatchObject({ kind: 'ConfigurationError', message: 'Directory deploys are turned off on this worker: no folder is allowed to deploy to (SLUICE_DEPLOY_ROOTS lists them)' });
    expect(await readdir(target)).toEqual([]);
  });
});
