import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { artifactStoreContract } from '../contract';
import { listFiles } from '../testing/list-files';
import { startS3rver, s3rverCredentials, type LocalS3Server } from '../testing/start-s3rver';
import { openS3ArtifactStore } from './s3-artifact-store';

let server: LocalS3Server;
let buckets = 0;

beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

artifactStoreContract(
  's3 (s3rver)',
  async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), 'sluice-spool-'));
    const bucket = `contract-${++buckets}`;
    const store = await openS3ArtifactStore({ bucket, endpoint: server.endpoint, credentials: s3rverCredentials, spoolDir, partSizeBytes: 5 * 1024 * 1024 });
    await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return {
      store,
      async corrupt(sha256, bytes) {
        await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(sha256), Body: bytes }));
      },
      async storedObjects() {
        const keys: string[] = [];
        for await (const page of paginateListObjectsV2({ client: store.client }, { Bucket: bucket })) {
          for (const object of page.Contents ?? []) keys.push(object.Key ?? '');
        }
        return [...keys, ...(await listFiles(spoolDir)).map((file) => `spool:${file}`)].sort();
      },
      dispose: () => rm(spoolDir, { recursive: true, force: true }),
    };
  },
  { largeBytes: 200 * 1024 * 1024 },
);
