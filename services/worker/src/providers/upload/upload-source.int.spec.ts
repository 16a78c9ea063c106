import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createArchive, openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { uploadSourceProvider } from './upload-source-provider';

describe('Source/Upload from a real artifact store', () => {
  const jobs = new TestJobs();
  let store: ArtifactStore;
  let site: string;

  beforeAll(async () => {
    store = await openFilesystemArtifactStore({ root: await jobs.folder('sluice-store-'), fsync: false });
    site = await jobs.folder('sluice-site-');
    await mkdir(join(site, 'css'));
    await writeFile(join(site, 'index.html'), '<h1>hi</h1>');
    await writeFile(join(site, 'css', 'site.css'), 'h1 { color: teal }');
  });
  afterAll(async () => {
    await store.close();
    await jobs.cleanUp();
  });

  const uploadJob = (configuration: Record<string, string>, sourceRevision?: string) =>
    jobs.job({ configuration, outputArtifacts: [{ name: 'Site' }], ...(sourceRevision === undefined ? {} : { sourceRevision }) });

  it('outputs the files of an uploaded zip named by its sha256 in ObjectKey', async () => {
    const { sha256 } = await store.put(createArchive(site, 'zip'));
    const provider = uploadSourceProvider({ store });
    const result = await provider.run(await uploadJob({ ObjectKey: sha256 }), recordingIo());
    const tree = result.outputArtifacts[0]?.directory ?? '';
    expect(await readFile(join(tree, 'css', 'site.css'), 'utf8')).toBe('h1 { color: teal }');
    expect(result.outputVariables).toEqual({ ObjectKey: sha256, VersionId: sha256, ArchiveFormat: 'zip' });
    expect(result.sourceRevision).toEqual({ revisionType: 'S3_OBJECT_VERSION_ID', revisionId: sha256, revisionSummary: sha256 });
  });

  it('outputs a tar.gz made by the tar tool, named by the job revision', async () => {
    const archive = join(await jobs.folder(), 'site.tgz');
    execFileSync('tar', ['czf', archive, '-C', site, '.']);
    const { sha256 } = await store.put(createReadStream(archive));
    const result = await uploadSourceProvider({ store }).run(await uploadJob({ ObjectKey: 'site.tgz' }, sha256), recordingIo());
    expect(await readFile(join(result.outputArtifacts[0]?.directory ?? '', 'index.html'), 'utf8')).toBe('<h1>hi</h1>');
    expect(result.outputVariables).toMatchObject({ ObjectKey: 'site.tgz', VersionId: sha256, ArchiveFormat: 'tar.gz' });
  });

  it('refuses an archive whose entries escape the output, extracting nothing', async () => {
    const folder = await jobs.folder();
    await writeFile(join(folder, 'payload'), 'owned');
    const archive = join(folder, 'evil.tar');
    execFileSync('tar', ['cf', archive, '-C', folder, '--transform', 's,^,../../,', 'payload']);
    const { sha256 } = await store.put(createReadStream(archive));
    const job = await uploadJob({ ObjectKey: 'evil.tar' }, sha256);
    const failure = await uploadSourceProvider({ store }).run(job, recordingIo()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ kind: 'JobFailed', message: expect.stringContaining(`uploaded archive ${sha256} refused`) });
    expect(existsSync(join(job.workspace, 'outputs', 'Site'))).toBe(false);
  });

  it('fails with RevisionUnavailable when the archive is not in the store', async () => {
    const failure = await uploadSourceProvider({ store }).run(await uploadJob({ ObjectKey: 'a.zip' }, 'e'.repeat(64)), recordingIo()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'RevisionUnavailable', message: `uploaded archive ${'e'.repeat(64)} (ObjectKey "a.zip") not found` });
  });

  it('refuses a job that names no archive', async () => {
    const failure = await uploadSourceProvider({ store }).run(await uploadJob({ ObjectKey: 'site.zip' }), recordingIo()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'ConfigurationError' });
  });
});
