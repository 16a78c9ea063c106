import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { createArchive, openPipelineBuckets, type PipelineBuckets } from '@sluice/artifact-store';
import { startS3rver, s3rverCredentials, type LocalS3Server } from '@sluice/artifact-store/testing';
import { eventually } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// AWS's published "S3 as a deployment provider" pipeline (Source/AWS/S3 → Deploy/AWS/S3, Extract true), created
// through the AWS SDK and run end to end on the embedded platform, against a real S3-compatible server (s3rver) that
// the platform is pointed at by SLUICE_S3_*: a new object in the watched bucket starts the pipeline (the S3 poller),
// and its files land in the deploy bucket.
jest.setTimeout(240_000);

let dataDir: string;
let server: LocalS3Server;
let buckets: PipelineBuckets;
let platform: PlatformProcess;
let admin: CodePipelineClient;

const zipOf = async (files: Record<string, string>): Promise<Buffer> => {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-s3-site-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(directory, path, '..'), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of createArchive(directory, 'zip')) chunks.push(chunk as Buffer);
  await rm(directory, { recursive: true, force: true });
  return Buffer.concat(chunks);
};
const textOf = async (stream: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** The pipeline of AWS's tutorial, as its JSON gives it (bucket names are the test's). */
const published = {
  name: 'MyS3DeployPipeline',
  roleArn: 'arn:aws:iam::111122223333:role/AWS-CodePipeline-Service',
  artifactStore: { type: 'S3', location: 'codepipeline-us-east-1-1234567890' },
  stages: [
    {
      name: 'Source',
      actions: [
        {
          name: 'Source',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
          runOrder: 1,
          configuration: { S3Bucket: 'releases', S3ObjectKey: 'website/site.zip', PollForSourceChanges: 'true' },
          outputArtifacts: [{ name: 'SourceArtifact' }],
          inputArtifacts: [],
          namespace: 'SourceVariables',
        },
      ],
    },
    {
      name: 'Deploy',
      actions: [
        {
          name: 'Deploy',
          actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
          runOrder: 1,
          configuration: { BucketName: 'releases', Extract: 'true', ObjectKey: 'www' },
          outputArtifacts: [],
          inputArtifacts: [{ name: 'SourceArtifact' }],
        },
      ],
    },
  ],
  version: 1,
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-aws-s3-'));
  server = await startS3rver('releases');
  buckets = openPipelineBuckets({ endpoint: server.endpoint, credentials: s3rverCredentials, allowedBuckets: [{ account: '*', bucket: '*' }] });
  await buckets.write('releases', 'website/site.zip', await zipOf({ 'index.html': '<h1>v1</h1>' }));
  platform = await startPlatformProcess(dataDir, {
    SLUICE_S3_ENDPOINT: server.endpoint,
    SLUICE_S3_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
    SLUICE_S3_SECRET_ACCESS_KEY: s3rverCredentials.secretAccessKey,
    SLUICE_S3_BUCKETS: 'default:releases',
    SLUICE_POLL_INTERVAL_MS: '1000',
  });
  const text = await readFile(join(dataDir, 'admin-credentials'), 'utf8');
  admin = new CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! },
  });
});

afterAll(async () => {
  await platform?.stop();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const finished = (pipelineExecutionId: string) =>
  eventually(
    async () => {
      const { pipelineExecution } = await admin.send(new GetPipelineExecutionCommand({ pipelineName: published.name, pipelineExecutionId }));
      return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
    },
    `execution ${pipelineExecutionId} to finish`,
    90_000,
  );

describe('Source/AWS/S3 and Deploy/AWS/S3 on an S3-compatible store', () => {
  it('creates the published pipeline, runs it from the object, and deploys its files into the bucket', async () => {
    await admin.send(new CreatePipelineCommand({ pipeline: published as unknown as PipelineDeclaration }));
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: published.name }));
    const execution = await finished(pipelineExecutionId!);
    expect(execution.status).toBe('Succeeded');
    const etag = (await buckets.currentVersion('releases', 'website/site.zip')).revision;
    expect(execution.artifactRevisions).toEqual([expect.objectContaining({ name: 'Source', revisionId: etag })]);
    expect(await textOf(await buckets.read('releases', 'www/index.html'))).toBe('<h1>v1</h1>');
  });

  it('starts the pipeline when a new version of the watched object appears, pinned to it', async () => {
    const before = new Set(((await admin.send(new ListPipelineExecutionsCommand({ pipelineName: published.name }))).pipelineExecutionSummaries ?? []).map((summary) => summary.pipelineExecutionId));
    const pollerStarts = async () =>
      ((await admin.send(new ListPipelineExecutionsCommand({ pipelineName: published.name }))).pipelineExecutionSummaries ?? []).find(
        (summary) => !before.has(summary.pipelineExecutionId) && summary.trigger?.triggerType === 'PollForSourceChanges',
      );
    // The poller's first look at an object only remembers its version, and the pipeline was created by the test
    // before: on a fast machine that first look can come after this write, which it then takes for the known version
    // (seen: no start in 60 s). A later version must start it; the last one written is what the run must deploy.
    let etag = '';
    let about = '';
    let started: Awaited<ReturnType<typeof pollerStarts>>;
    for (let attempt = 1; !started; attempt += 1) {
      about = attempt === 1 ? 'about' : `about (${attempt})`;
      await buckets.write('releases', 'website/site.zip', await zipOf({ 'index.html': '<h1>v2</h1>', 'about.html': about }));
      etag = (await buckets.currentVersion('releases', 'website/site.zip')).revision;
      started = await eventually(pollerStarts, 'an execution started by the S3 poller', attempt < 3 ? 10_000 : 60_000).catch((error: unknown) => {
        if (attempt >= 3) throw error;
        return undefined;
      });
    }
    expect(started.trigger?.triggerDetail).toBe(`s3://releases/website/site.zip ${etag}`);
    expect(started.sourceRevisions).toEqual([expect.objectContaining({ actionName: 'Source', revisionId: etag })]);
    expect((await finished(started.pipelineExecutionId!)).status).toBe('Succeeded');
    expect(await textOf(await buckets.read('releases', 'www/index.html'))).toBe('<h1>v2</h1>');
    expect(await textOf(await buckets.read('releases', 'www/about.html'))).toBe(about);
  });
});
