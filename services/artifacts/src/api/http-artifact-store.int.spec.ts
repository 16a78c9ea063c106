import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { openHttpArtifactStore } from '@sluice/artifact-store';
import { artifactStoreContract } from '@sluice/artifact-store/testing';
import { dropTestSchema, ensurePostgres, newTestSchema } from '@sluice/testing';
import { startArtifactsService, type ArtifactsServiceProcess } from '../testing/artifacts-service-process';

// `openHttpArtifactStore` must behave as the filesystem and S3 adapters do: the same contract suite, run
// against the real artifacts service (a child process on PostgreSQL and a filesystem store).
const schema = newTestSchema('artifacts_http');
let service: ArtifactsServiceProcess;
let accounts = 0;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

beforeAll(async () => {
  await ensurePostgres();
  // A 64 MB heap: the 200 MB round trip of the contract must stream through the service, not sit in it.
  service = await startArtifactsService(schema, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=64`.trim() });
});
afterAll(async () => {
  await service?.stop();
  await dropTestSchema(schema);
  if (service) await rm(service.dataDir, { recursive: true, force: true });
});

artifactStoreContract(
  'http (artifacts service)',
  async () => {
    // Each test gets an account of its own and sees only the objects it added to the service's folder.
    const account = `contract-${++accounts}`;
    const before = new Set(await files(service.artifactsDir));
    const store = await openHttpArtifactStore({ url: service.url, account, headers: { 'x-sluice-internal-secret': service.internalSecret } });
    return {
      store,
      async corrupt(sha256, bytes) {
        const path = join(service.artifactsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
        await chmod(path, 0o644);
        await writeFile(path, bytes);
      },
      storedObjects: async () => (await files(service.artifactsDir)).filter((file) => !before.has(file)),
      dispose: async () => {},
    };
  },
  { largeBytes: 200 * 1024 * 1024 },
);
