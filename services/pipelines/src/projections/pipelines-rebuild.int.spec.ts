import { rebuildProjections, type PostgresEventStore } from '@sluice/eventing';
import type { Caller } from '../application/caller';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { pipelineUsingCustomAction, sampleCustomActionType } from '../testing/sample-pipelines';
import { startPipelinesApplication, type PipelinesApplication } from '../testing/pipelines-application';
import { PipelinesProjection } from './pipelines-projection';
import { pipelinesProjections } from './pipelines-read-models';

// Every projection of the pipelines service rebuilt from the store into fresh state equals the live one
// after a history of two accounts: versions, transitions, tags, deletions, names used again, custom types.
let store: PostgresEventStore;
let projection: PipelinesProjection;
let pipelines: PipelinesApplication['pipelines'];
let actionTypes: PipelinesApplication['actionTypes'];
const alice: Caller = { account: 'acme', actor: 'alice' };
const bob: Caller = { account: 'globex', actor: 'bob' };

let app: PipelinesApplication | undefined;

beforeAll(async () => {
  app = await startPipelinesApplication();
  ({ store, projection, pipelines, actionTypes } = app);
});

afterAll(() => app?.stop());

describe('rebuilding the pipelines service’s projections', () => {
  it('rebuilds every projection from the store equal to the live one', async () => {
    for (const caller of [alice, bob]) {
      for (const name of ['web', 'api', 'batch']) {
        await pipelines.createPipeline(caller, sourceBuildDeployPipeline(name), [{ key: 'team', value: name }]);
        for (const mode of ['QUEUED', 'PARALLEL', 'SUPERSEDED']) {
          const latest = projection.pipelines.getPipeline(caller.account, name)!.version.declaration;
          await pipelines.updatePipeline(caller, { ...latest, executionMode: mode });
        }
      }
      await pipelines.disableStageTransition(caller, 'web', 'Deploy', 'Inbound', 'freeze');
      await pipelines.disableStageTransition(caller, 'api', 'Deploy', 'Inbound', 'incident');
      await pipelines.enableStageTransition(caller, 'api', 'Deploy', 'Inbound');
      await pipelines.tagResource(caller, `srn:sluice:${caller.account}:batch`, [{ key: 'cost', value: 'low' }]);
      await pipelines.untagResource(caller, `srn:sluice:${caller.account}:batch`, ['team']);
      await pipelines.deletePipeline(caller, 'batch');
      await pipelines.createPipeline(caller, sourceBuildDeployPipeline('batch'), []);
      await actionTypes.createCustomActionType(caller, sampleCustomActionType('Terraform', '1'));
      await actionTypes.createCustomActionType(caller, sampleCustomActionType('Pulumi', '1'));
      await pipelines.createPipeline(caller, pipelineUsingCustomAction('infra'), []);
      await actionTypes.deleteCustomActionType(caller, { category: 'Deploy', provider: 'Pulumi', version: '1' });
    }
    projection.actionTypes.registryFor('acme'); // a cache the live model fills and a rebuilt one has not: not content

    const rebuilt = pipelinesProjections();
    const result = await rebuildProjections(store, rebuilt);
    expect(result.lastPosition).toBe(projection.processedPosition);
    const live = projection.models;
    expect([...live.pipelines.contents().get('acme')!.keys()].sort()).toEqual(['api', 'batch', 'infra', 'web']);
    for (const copy of rebuilt) {
      expect(copy.name).toBe(live.name);
      expect(copy.contents()).toEqual(live.contents());
      expect(copy.checkpoint()).toBe(live.checkpoint());
    }
  });
});
