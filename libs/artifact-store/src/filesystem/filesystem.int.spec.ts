import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactStoreContract } from '../contract';
import { listFiles } from '../testing/list-files';
import { openFilesystemArtifactStore } from './filesystem-artifact-store';

artifactStoreContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-artifacts-'));
  const store = await openFilesystemArtifactStore({ root, fsync: false });
  return {
    store,
    async corrupt(sha256, bytes) {
      const path = store.pathOf(sha256);
      await chmod(path, 0o644);
      await writeFile(path, bytes);
    },
    storedObjects: () => listFiles(root),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});
