import type { Caller } from '../application/caller';
import { StaleVersionError } from '../domain/errors';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { pipelineUsingCustomAction, sampleCustomActionType } from '../testing/sample-pipelines';
import { pipelinesApplicationForFile } from '../testing/pipelines-application';
import { PipelinesProjection } from './pipelines-projection';

// The application and its projection on the real PostgreSQL store, without the HTTP edge.
const alice: Caller = { account: 'acme', actor: 'alice' };
const app = pipelinesApplicationForFile();

const snapshot = () => ({
  page: app.projection.pipelines.listPipelines('acme', 100),
  versions: app.projection.pipelines.listPipelineVersions('acme', 'web'),
  firstVersion: app.projection.pipelines.getPipeline('acme', 'web', 1),
  customTypes: app.projection.actionTypes.customActionTypes('acme'),
  registry: app.projection.actionTypes.registryFor('acme').list(),
});

describe('pipelines projection', () => {
  it('is up to date when a command returns (read-your-writes)', async () => {
    await app.pipelines.createPipeline(alice, sourceBuildDeployPipeline('web'), [{ key: 'team', value: 'web' }]);
    expect(app.projection.pipelines.getPipeline('acme', 'web')?.version.version).toBe(1);
    const v1 = app.projection.pipelines.getPipeline('acme', 'web')!.version.declaration;
    await app.pipelines.updatePipeline(alice, { ...v1, executionMode: 'QUEUED' });
    expect(app.projection.pipelines.getPipeline('acme', 'web')?.latestVersion).toBe(2);
  });

  it('refuses one of two updates from the same version, through the decider or the store', async () => {
    const v2 = app.projection.pipelines.getPipeline('acme', 'web')!.version.declaration;
    const results = await Promise.allSettled([app.pipelines.updatePipeline(alice, { ...v2 }), app.pipelines.updatePipeline(alice, { ...v2 })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [failure] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(['ConcurrencyError', StaleVersionError.name]).toContain((failure!.reason as Error).name);
  });

  it('gives the same answers after being dropped and rebuilt by replay', async () => {
    await app.actionTypes.createCustomActionType(alice, sampleCustomActionType());
    await app.pipelines.createPipeline(alice, pipelineUsingCustomAction('infra'), []);
    await app.pipelines.disableStageTransition(alice, 'infra', 'Deploy', 'Inbound', 'waiting for review');
    await app.pipelines.deletePipeline(alice, 'web');
    await app.pipelines.createPipeline(alice, sourceBuildDeployPipeline('web'), []);
    const before = snapshot();
    expect(before.versions?.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(before.page.edges.map((e) => e.pipeline.name)).toEqual(['infra', 'web']);

    await app.projection.rebuild();
    expect(snapshot()).toEqual(before);

    const fresh = new PipelinesProjection(app.store);
    await fresh.start();
    try {
      expect(fresh.pipelines.listPipelines('acme', 100)).toEqual(before.page);
      expect(fresh.processedPosition).toBe(app.projection.processedPosition);
    } finally {
      await fresh.stop();
    }
  });

  it('waits for a position it has not reached, and times out when it never comes', async () => {
    const lagging = new PipelinesProjection(app.store, { waitTimeoutMs: 200 });
    await lagging.start();
    try {
      const reached = lagging.processedPosition!;
      await expect(lagging.waitForPosition(reached)).resolves.toBeUndefined();
      await expect(lagging.waitForPosition(reached + 1_000_000n)).rejects.toThrow(/did not reach position/);
    } finally {
      await lagging.stop();
    }
  });
});
