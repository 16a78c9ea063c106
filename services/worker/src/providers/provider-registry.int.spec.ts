import { testSandbox } from '../sandbox/testing/test-sandbox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore } from '@sluice/artifact-store';
import { actionTypeKey, BUILT_IN_ACTION_TYPES, PIPELINE_INVOKE } from '@sluice/domain';
import { providerFor, providerRegistry } from './provider-registry';

describe('providerRegistry', () => {
  it('has a provider for every built-in action type a worker runs (all but the manual approval and the pipeline invoke, which the engine runs)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-registry-'));
    const store = await openFilesystemArtifactStore({ root, fsync: false });
    try {
      const registry = providerRegistry({ store, sandbox: await testSandbox() });
      const engineRun = new Set([actionTypeKey(PIPELINE_INVOKE.id)]);
      const workerTypes = BUILT_IN_ACTION_TYPES.filter((type) => type.id.category !== 'Approval' && !engineRun.has(actionTypeKey(type.id))).map((type) => actionTypeKey(type.id));
      expect([...registry.keys()].sort()).toEqual(workerTypes.sort());
      expect(providerFor(registry, { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' })?.actionTypeId.category).toBe('Test');
      expect(providerFor(registry, { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' })).toBeUndefined();
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
