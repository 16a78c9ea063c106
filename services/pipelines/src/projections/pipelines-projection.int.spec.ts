import type { PostgresEventStore } from '@sluice/eventing';
import type { Caller } from '../application/caller';
import { StaleVersionError } from '../domain/errors';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { pipelineUsingCustomAction, sampleCustomActionType } from '../testing/sample-pipelines';
import { startPipelinesApplication, type PipelinesApplication } from '../testing/pipelines-application';
import { PipelinesProjection } from './pipelines-projection';

// The application and its projection on the real PostgreSQL store, without the HTTP edge.
let store: PostgresEventStore;
let projection: PipelinesProjection;
let pipelines: PipelinesApplication['pipelines'];
let actionTypes: PipelinesApplication['actionTypes'];
const alice: Caller = { account: 'acme', actor: 'alice' };

let app: PipelinesApplication | undefined;

beforeAll(async () => {
  app = await startPipelinesApplication();
  ({ store, projection, pipelines, actionTypes } = app);
});

afterAll(() => app?.stop());

const snapshot = () => ({
  page: projection.pipelines.listPipelines('acme', 100),
  versions: projection.pipelines.listPipelineVersions('acme', 'web'),
  firstVersion: projection.pipelines.getPipeline('acme', 'web', 1),
  customTypes: projection.actionTypes.customActionTypes('acme'),
  registry: projection.actionTypes.registryFor('acme').list(),
});

describe('pipelines projection', () => {
  it('is up to date when a command returns (read-your-writes)', async () => {
    await pipelines.createPipeline(alice, sourceBuildDeployPipeline('web'), [{ key: 'team', value: 'web' }]);
    expect(projection.pipelines.getPipeline('acme', 'web')?.version.version).toBe(1);
    const v1 = projection.pipelines.getPipeline('acme', 'web')!.version.declaration;
    await pipelines.updatePipeline(alice, { ...v1, executionMode: 'QUEUED' });
    expect(projection.pipelines.getPipeline('acme', 'web')?.latestVersion).toBe(2);
  });

  it('refuses one of two updates from the same version, through the decider or the store', async () => {
    const v2 = projection.pipelines.getPipeline('acme', 'web')!.version.declaration;
    const results = await Promise.allSettled([pipelines.updatePipeline(alice, { ...v2 }), pipelines.updatePipeline(alice, { ...v2 })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [failure] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(['ConcurrencyError', StaleVersionError.name]).toContain((failure!.reason as Error).name);
  });

  it('gives the same answers after being dropped and rebuilt by replay', async () => {
    await actionTypes.createCustomActionType(alice, sampleCustomActionType());
    await pipelines.createPipeline(alice, pipelineUsingCustomAction('infra'), []);
    await pipelines.disableStageTransition(alice, 'infra', 'Deploy', 'Inbound', 'waiting for review');
    await pipelines.deletePipeline(alice, 'web');
    await pipelines.createPipeline(alice, sourceBuildDeployPipeline('web'), []);
    const before = snapshot();
    expect(before.versions?.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(before.page.edges.map((e) => e.pipeline.name)).toEqual(['infra', 'web']);

    await projection.rebuild();
    expect(snapshot()).toEqual(before);

    const fresh = new PipelinesProjection(store);
    await fresh.start();
    try {
      expect(fresh.pipelines.listPipelines('acme', 100)).toEqual(before.page);
      expect(fresh.processedPosition).toBe(projection.processedPosition);
    } finally {
      await fresh.stop();
    }
  });

  it('waits for a position it has not reached, and times out when it never comes', async () => {
    const lagging = new PipelinesProjection(store, { waitTimeoutMs: 200 });
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
