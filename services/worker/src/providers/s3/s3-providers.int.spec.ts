import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createArchive, extractArchive, openPipelineBuckets, type PipelineBuckets } from '@sluice/artifact-store';
import { startS3rver, s3rverCredentials, type LocalS3Server } from '@sluice/artifact-store/testing';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { s3DeployProvider } from './s3-deploy-provider';
import { s3SourceProvider } from './s3-source-provider';

// Source/S3 and Deploy/S3 against a real S3-compatible server (s3rver, which keeps no versions: the ETag is the revision).
describe('Source/S3 and Deploy/S3 on an S3-compatible store', () => {
  const jobs = new TestJobs();
  let server: LocalS3Server;
  let buckets: PipelineBuckets;
  let site: string;

  const zipOf = async (directory: string): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of createArchive(directory, 'zip')) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const bytesOf = async (stream: Readable): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  beforeAll(async () => {
    server = await startS3rver('releases');
    buckets = openPipelineBuckets({ endpoint: server.endpoint, credentials: s3rverCredentials, allowedBuckets: [{ account: 'acme', bucket: 'releases' }] });
    site = await jobs.folder('sluice-site-');
    await mkdir(join(site, 'css'));
    await writeFile(join(site, 'index.html'), '<h1>v1</h1>');
    await writeFile(join(site, 'css', 'site.css'), 'h1 { color: teal }');
  });
  afterAll(async () => {
    await server?.stop();
    await jobs.cleanUp();
  });

  const sourceJob = (sourceRevision?: string) =>
    jobs.job({ account: 'acme', configuration: { S3Bucket: 'releases', S3ObjectKey: 'app/source.zip' }, outputArtifacts: [{ name: 'SourceOutput' }], ...(sourceRevision ? { sourceRevision } : {}) });

  it('outputs the files of the zip at S3Bucket/S3ObjectKey; its ETag is the revision, and a pinned one that changed is refused', async () => {
    await buckets.write('releases', 'app/source.zip', await zipOf(site));
    const first = await buckets.currentVersion('releases', 'app/source.zip');
    const result = await s3SourceProvider({ buckets }).run(await sourceJob(), recordingIo());
    expect(await readFile(join(result.outputArtifacts[0]!.directory, 'css', 'site.css'), 'utf8')).toBe('h1 { color: teal }');
    expect(result.sourceRevision).toEqual({ revisionType: 'S3_OBJECT_VERSION_ID', revisionId: first.revision, revisionSummary: 's3://releases/app/source.zip' });
    expect(result.outputVariables).toEqual({ BucketName: 'releases', ObjectKey: 'app/source.zip', VersionId: first.revision, ETag: first.etag });

    // A new object: a new revision. The old one, pinned (a retry), cannot be fetched from a store without versions.
    await writeFile(join(site, 'index.html'), '<h1>v2</h1>');
    await buckets.write('releases', 'app/source.zip', await zipOf(site));
    const second = await buckets.currentVersion('releases', 'app/source.zip');
    expect(second.revision).not.toBe(first.revision);
    const latest = await s3SourceProvider({ buckets }).run(await sourceJob(second.revision), recordingIo());
    expect(await readFile(join(latest.outputArtifacts[0]!.directory, 'index.html'), 'utf8')).toBe('<h1>v2</h1>');
    expect(await failureOf(s3SourceProvider({ buckets }).run(await sourceJob(first.revision), recordingIo()))).toMatchObject({ kind: 'RevisionUnavailable' });
  });

  it('fails a missing object, a non-archive, and any S3 action without a configured store, each saying why', async () => {
    const missing = await failureOf(s3SourceProvider({ buckets }).run(await jobs.job({ account: 'acme', configuration: { S3Bucket: 'releases', S3ObjectKey: 'nope.zip' }, outputArtifacts: [{ name: 'Out' }] }), recordingIo()));
    expect(missing).toMatchObject({ kind: 'RevisionUnavailable', message: expect.stringContaining('s3://releases/nope.zip') });
    await buckets.write('releases', 'notes.txt', Buffer.from('not an archive'));
    const text = await failureOf(s3SourceProvider({ buckets }).run(await jobs.job({ account: 'acme', configuration: { S3Bucket: 'releases', S3ObjectKey: 'notes.txt' }, outputArtifacts: [{ name: 'Out' }] }), recordingIo()));
    expect(text).toMatchObject({ kind: 'JobFailed' });
    const unconfigured = await failureOf(s3SourceProvider({}).run(await sourceJob(), recordingIo()));
    expect(unconfigured).toBeInstanceOf(ProviderFailure);
    expect(unconfigured).toMatchObject({ kind: 'ConfigurationError', message: expect.stringContaining('SLUICE_S3_ENDPOINT') });
    // The store is shared by every account: a bucket the operator did not list for the job's account is refused.
    const foreign = await failureOf(s3DeployProvider({ buckets }).run(await deployJob({ BucketName: 'releases', Extract: 'true' }, 'globex'), recordingIo()));
    expect(foreign).toMatchObject({ kind: 'ConfigurationError', message: expect.stringContaining('SLUICE_S3_BUCKETS') });
    const otherBucket = await failureOf(s3SourceProvider({ buckets }).run(await jobs.job({ account: 'acme', configuration: { S3Bucket: 'secrets', S3ObjectKey: 'a.zip' }, outputArtifacts: [{ name: 'Out' }] }), recordingIo()));
    expect(otherBucket).toMatchObject({ kind: 'ConfigurationError' });
  });

  const deployJob = (configuration: Record<string, string>, account = 'acme') => jobs.job({ account, configuration, inputArtifacts: [{ name: 'Site', directory: site }] });

  it('extracts the input artifact under the ObjectKey prefix (Extract true)', async () => {
    const result = await s3DeployProvider({ buckets }).run(await deployJob({ BucketName: 'releases', Extract: 'true', ObjectKey: 'www/' }), recordingIo());
    expect(result.outputVariables).toEqual({ BucketName: 'releases', ObjectKey: 'www/' });
    expect(await bytesOf(await buckets.read('releases', 'www/index.html'))).toBe('<h1>v2</h1>');
    expect(await bytesOf(await buckets.read('releases', 'www/css/site.css'))).toBe('h1 { color: teal }');
  });

  it('uploads the input artifact as one zip at ObjectKey (Extract false), and needs ObjectKey then', async () => {
    await s3DeployProvider({ buckets }).run(await deployJob({ BucketName: 'releases', Extract: 'false', ObjectKey: 'bundles/site.zip' }), recordingIo());
    const target = join(await jobs.folder('sluice-unzipped-'), 'tree');
    await extractArchive(await buckets.read('releases', 'bundles/site.zip'), target, { format: 'zip' });
    expect(await readFile(join(target, 'css', 'site.css'), 'utf8')).toBe('h1 { color: teal }');
    expect(await failureOf(s3DeployProvider({ buckets }).run(await deployJob({ BucketName: 'releases', Extract: 'false' }), recordingIo()))).toMatchObject({ kind: 'ConfigurationError' });
    expect(await failureOf(s3DeployProvider({ buckets }).run(await deployJob({ BucketName: 'releases', Extract: 'maybe' }), recordingIo()))).toMatchObject({ kind: 'ConfigurationError' });
  });
});
