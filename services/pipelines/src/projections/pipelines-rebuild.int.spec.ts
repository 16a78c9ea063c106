import { rebuildProjections } from '@sluice/eventing';
import type { Caller } from '../application/caller';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { pipelineUsingCustomAction, sampleCustomActionType } from '../testing/sample-pipelines';
import { pipelinesApplicationForFile } from '../testing/pipelines-application';
import { pipelinesProjections } from './pipelines-read-models';

// Every projection of the pipelines service rebuilt from the store into fresh state equals the live one
// after a history of two accounts: versions, transitions, tags, deletions, names used again, custom types.
const alice: Caller = { account: 'acme', actor: 'alice' };
const bob: Caller = { account: 'globex', actor: 'bob' };
const app = pipelinesApplicationForFile();

describe('rebuilding the pipelines service’s projections', () => {
  it('rebuilds every projection from the store equal to the live one', async () => {
    for (const caller of [alice, bob]) {
      for (const name of ['web', 'api', 'batch']) {
        await app.pipelines.createPipeline(caller, sourceBuildDeployPipeline(name), [{ key: 'team', value: name }]);
        for (const mode of ['QUEUED', 'PARALLEL', 'SUPERSEDED']) {
          const latest = app.projection.pipelines.getPipeline(caller.account, name)!.version.declaration;
          await app.pipelines.updatePipeline(caller, { ...latest, executionMode: mode });
        }
      }
      await app.pipelines.disableStageTransition(caller, 'web', 'Deploy', 'Inbound', 'freeze');
      await app.pipelines.disableStageTransition(caller, 'api', 'Deploy', 'Inbound', 'incident');
      await app.pipelines.enableStageTransition(caller, 'api', 'Deploy', 'Inbound');
      await app.pipelines.tagResource(caller, `srn:sluice:${caller.account}:batch`, [{ key: 'cost', value: 'low' }]);
      await app.pipelines.untagResource(caller, `srn:sluice:${caller.account}:batch`, ['team']);
      await app.pipelines.deletePipeline(caller, 'batch');
      await app.pipelines.createPipeline(caller, sourceBuildDeployPipeline('batch'), []);
      await app.actionTypes.createCustomActionType(caller, sampleCustomActionType('Terraform', '1'));
      await app.actionTypes.createCustomActionType(caller, sampleCustomActionType('Pulumi', '1'));
      await app.pipelines.createPipeline(caller, pipelineUsingCustomAction('infra'), []);
      await app.actionTypes.deleteCustomActionType(caller, { category: 'Deploy', provider: 'Pulumi', version: '1' });
    }
    app.projection.actionTypes.registryFor('acme'); // a cache the live model fills and a rebuilt one has not: not content

    const rebuilt = pipelinesProjections();
    const result = await rebuildProjections(app.store, rebuilt);
    expect(result.lastPosition).toBe(app.projection.processedPosition);
    const live = app.projection.models;
    expect([...live.pipelines.contents().get('acme')!.keys()].sort()).toEqual(['api', 'batch', 'infra', 'web']);
    for (const copy of rebuilt) {
      expect(copy.name).toBe(live.name);
      expect(copy.contents()).toEqual(live.contents());
      expect(copy.checkpoint()).toBe(live.checkpoint());
    }
  });
});
