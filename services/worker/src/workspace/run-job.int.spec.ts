import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILD_COMMANDS } from '@sluice/domain';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { commandsProvider } from '../providers/commands/commands-provider';
import { testSandbox } from '../sandbox/testing/test-sandbox';
import { ProviderFailure } from '../providers/provider-failure';
import { recordingIo, TestJobs } from '../providers/testing/provider-job';
import { detectArchiveFormat } from './archive-format';
import { packDirectory, unpackArtifact } from './artifact-archives';
import { runJob, type WorkerJob } from './run-job';

describe('runJob: a workspace per job, artifacts through a real store', () => {
  const jobs = new TestJobs();
  let provider: ReturnType<typeof commandsProvider>;
  beforeAll(async () => {
    provider = commandsProvider(BUILD_COMMANDS.id, { sandbox: await testSandbox(), killGraceMs: 300 });
  });
  let store: ArtifactStore;
  let workspaces: string;

  beforeAll(async () => {
    store = await openFilesystemArtifactStore({ root: await jobs.folder('sluice-store-'), fsync: false });
  });
  beforeEach(async () => {
    workspaces = await jobs.folder('sluice-workspaces-');
  });
  afterAll(async () => {
    await store.close();
    await jobs.cleanUp();
  });

  async function stored(files: Record<string, string>): Promise<string> {
    const dir = await jobs.folder();
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return (await packDirectory(store, dir)).sha256;
  }

  const workerJob = (overrides: Partial<WorkerJob>): WorkerJob => ({
    jobId: 'job/42',
    pipelineExecutionId: 'exec-1',
    stageName: 'Build',
    actionName: 'Compile',
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    timeoutMs: 30_000,
    variables: {},
    ...overrides,
  });

  it('extracts the inputs, runs the provider, packs the outputs, and removes the workspace', async () => {
    const source = await stored({ 'src/main.txt': 'main' });
    const extra = await stored({ 'data.txt': 'extra' });
    const completed = await runJob(
      provider,
      workerJob({
        inputArtifacts: [
          { name: 'Source', location: source },
          { name: 'Extra', location: extra },
        ],
        commands: ['mkdir dist', 'cat src/main.txt "$SLUICE_INPUT_EXTRA/data.txt" > dist/out.txt', 'echo "SIZE=$(wc -c < dist/out.txt)" >> "$SLUICE_OUTPUT_VARIABLES"'],
        outputArtifacts: [{ name: 'Dist', files: ['dist/**'] }],
      }),
      recordingIo(),
      { store, root: workspaces },
    );
    expect(completed.outputVariables).toEqual({ SIZE: '9' });
    const [dist] = completed.outputArtifacts;
    expect(dist).toMatchObject({ name: 'Dist', location: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await detectArchiveFormat(store, dist?.location ?? '')).toBe('tar');
    const unpacked = join(await jobs.folder(), 'dist');
    await unpackArtifact(store, dist?.location ?? '', unpacked);
    expect(await readFile(join(unpacked, 'dist', 'out.txt'), 'utf8')).toBe('mainextra');
    expect(await readdir(workspaces)).toEqual([]);
  });

  it('packs the outputs into the output store when given one (a remote worker uploads them), reading inputs from the store', async () => {
    const source = await stored({ 'main.txt': 'shared' });
    const outputs = await openFilesystemArtifactStore({ root: await jobs.folder('sluice-uploads-'), fsync: false });
    try {
      const completed = await runJob(provider, workerJob({ inputArtifacts: [{ name: 'Source', location: source }], commands: ['cp main.txt out.txt'], outputArtifacts: [{ name: 'Out', files: ['out.txt'] }] }), recordingIo(), {
        store,
        outputStore: outputs,
        root: workspaces,
      });
      const location = completed.outputArtifacts[0]!.location;
      expect([await outputs.has(location), await store.has(location)]).toEqual([true, false]);
    } finally {
      await outputs.close();
    }
  });

  it('removes the workspace when the job fails, read-only folders included', async () => {
    const failure = await runJob(provider, workerJob({ commands: ['mkdir -p locked/deep', 'touch locked/deep/file', 'chmod -R a-w locked', 'exit 4'] }), recordingIo(), { store, root: workspaces }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ kind: 'JobFailed', message: expect.stringContaining('exit code 4') });
    expect(await readdir(workspaces)).toEqual([]);
  });

  it('fails naming the input artifact that is missing from the store', async () => {
    const missing = '0'.repeat(64);
    const failure = await runJob(provider, workerJob({ commands: ['true'], inputArtifacts: [{ name: 'Source', location: missing }] }), recordingIo(), { store, root: workspaces }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect((failure as Error).message).toMatch(new RegExp(`^input artifact Source \\(${missing}\\): `));
    expect(await readdir(workspaces)).toEqual([]);
  });

  it('fails naming the output artifact that cannot be archived (a symlink out of its tree)', async () => {
    const outside = await jobs.folder();
    await writeFile(join(outside, 'secret'), 'not for the artifact');
    const failure = await runJob(provider, workerJob({ commands: [`ln -s ${outside}/secret leak`], outputArtifacts: [{ name: 'Out' }] }), recordingIo(), { store, root: workspaces }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ kind: 'JobFailed', message: expect.stringMatching(/^output artifact Out: /) });
  });

  it('tells tar, tar.gz and zip apart, an empty tree included', async () => {
    const empty = await jobs.folder();
    expect(await detectArchiveFormat(store, (await packDirectory(store, empty)).sha256)).toBe('tar');
    const one = await jobs.folder();
    await symlink('target', join(one, 'link'));
    expect(await detectArchiveFormat(store, (await packDirectory(store, one, 'tar.gz')).sha256)).toBe('tar.gz');
    expect(await detectArchiveFormat(store, (await packDirectory(store, one, 'zip')).sha256)).toBe('zip');
  });
});
