import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { directoryDeployProvider } from './directory-deploy-provider';
import { rollbackDirectoryDeploy } from './releases';

describe('Deploy/Directory on a real folder', () => {
  const jobs = new TestJobs();
  let clock = Date.parse('2024-05-01T12:00:00.000Z');
  const provider = directoryDeployProvider({ now: () => new Date((clock += 1000)) });
  afterAll(() => jobs.cleanUp());

  async function artifact(version: string, files = 1): Promise<string> {
    const dir = await jobs.folder('sluice-artifact-');
    await mkdir(join(dir, 'assets'));
    for (let index = 0; index < files; index += 1) await writeFile(join(dir, 'assets', `file-${index}.txt`), `${version}\n`);
    await writeFile(join(dir, 'VERSION'), version);
    return dir;
  }

  async function deploy(target: string, version: string, configuration: Record<string, string> = {}, files = 1) {
    const job = await jobs.job({
      pipelineExecutionId: `exec-${version}`,
      configuration: { Path: target, ...configuration },
      inputArtifacts: [{ name: 'BuildOutput', directory: await artifact(version, files) }],
    });
    return provider.run(job, recordingIo());
  }

  const live = (target: string): Promise<string> => readFile(join(target, 'current', 'VERSION'), 'utf8');

  it('deploys into a new release and points current at the newest', async () => {
    const target = join(await jobs.folder(), 'site');
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
    expect((await readdir(target)).sort()).toEqual(['current', 'releases']);
    expect(second.summary).toBe(`Deployed BuildOutput to ${target} as release ${second.outputVariables['ReleaseId']}`);
  });

  it('keeps the newest KeepReleases releases', async () => {
    const target = await jobs.folder();
    for (const version of ['v1', 'v2', 'v3', 'v4']) await deploy(target, version, { KeepReleases: '2' });
    const releases = await readdir(join(target, 'releases'));
    expect(releases.map((release) => release.replace(/^.*-exec-/, '')).sort()).toEqual(['v3', 'v4']);
    expect(await live(target)).toBe('v4');
  });

  it('rolls back to the previous release, or to a named one, by switching current', async () => {
    const target = await jobs.folder();
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
    const target = await jobs.folder();
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
    const target = await jobs.folder();
    await mkdir(join(target, 'current'));
    const refused = await deploy(target, 'v1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderFailure);
    expect(refused).toMatchObject({ kind: 'ConfigurationError', message: `${join(target, 'current')} exists and is not a symlink: refusing to replace it` });

    const escaping = await deploy(`${target}/../elsewhere`, 'v1').catch((error: unknown) => error);
    expect(escaping).toMatchObject({ kind: 'ConfigurationError', message: expect.stringContaining('must not contain ".."') });
  });

  it('refuses a Path outside the allowed roots before touching anything', async () => {
    const allowed = await jobs.folder();
    const outside = await jobs.folder();
    const restricted = directoryDeployProvider({ allowedRoots: [allowed] });
    const job = await jobs.job({ configuration: { Path: join(outside, 'site') }, inputArtifacts: [{ name: 'A', directory: await artifact('v1') }] });
    await expect(restricted.run(job, recordingIo())).rejects.toMatchObject({ kind: 'ConfigurationError' });
    expect(await readdir(outside)).toEqual([]);
  });
});
