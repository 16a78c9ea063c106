import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import { PipelinesProjection } from '../projections/pipelines-projection';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { dropTestSchema, newTestSchema } from '../testing/test-schema';
import type { Caller } from './caller';
import { PipelineAsOfQueries } from './pipeline-as-of';
import { PipelineCommandHandlers } from './pipeline-command-handlers';
import { PipelineQueries } from './pipeline-queries';

// pipelineAsOf on the real PostgreSQL store: commands at known instants (a clock of whole minutes), then
// the pipeline at instants in between, compared with what the live read model answered at the time.
const schema = newTestSchema();
let store: PostgresEventStore;
let projection: PipelinesProjection;
let commands: PipelineCommandHandlers;
let live: PipelineQueries;
let asOf: PipelineAsOfQueries;
let minute = 0;
const instant = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
const clock = () => new Date(instant(minute));
const alice: Caller = { account: 'acme', actor: 'alice' };
const between = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m, 30)).toISOString();

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  projection = new PipelinesProjection(store);
  await projection.start();
  commands = new PipelineCommandHandlers(store, (account) => projection.actionTypes.registryFor(account), projection, clock);
  live = new PipelineQueries(() => projection.pipelines);
  // "now" is far after the history, so no instant of the test is in the future.
  asOf = new PipelineAsOfQueries(store, () => new Date(Date.UTC(2027, 0, 1)));
});

afterAll(async () => {
  await projection?.stop();
  await store?.close();
  await dropTestSchema(schema);
});

describe('pipelineAsOf', () => {
  // minute: 1 create, 2 update (v2), 3 disable Deploy, 4 update (v3), 5 enable, 6 delete, 7 create again (v4)
  const seen: Record<number, unknown> = {};

  beforeAll(async () => {
    minute = 1;
    await commands.createPipeline(alice, sourceBuildDeployPipeline('web'), [{ key: 'team', value: 'web' }]);
    seen[1] = live.getPipeline(alice, 'web');
    minute = 2;
    await commands.updatePipeline(alice, { ...live.getPipeline(alice, 'web').version.declaration, executionMode: 'QUEUED' });
    seen[2] = live.getPipeline(alice, 'web');
    minute = 3;
    await commands.disableStageTransition(alice, 'web', 'Deploy', 'Inbound', 'change freeze');
    seen[3] = live.getPipeline(alice, 'web');
    minute = 4;
    await commands.updatePipeline(alice, { ...live.getPipeline(alice, 'web').version.declaration, executionMode: 'PARALLEL' });
    seen[4] = live.getPipeline(alice, 'web');
    minute = 5;
    await commands.enableStageTransition(alice, 'web', 'Deploy', 'Inbound');
    seen[5] = live.getPipeline(alice, 'web');
    minute = 6;
    await commands.deletePipeline(alice, 'web');
    minute = 7;
    await commands.createPipeline(alice, sourceBuildDeployPipeline('web'), []);
    seen[7] = live.getPipeline(alice, 'web');
  });

  it('answers, at each instant, what getPipeline answered then', async () => {
    for (const m of [1, 2, 3, 4, 5, 7]) {
      const { at, ...view } = await asOf.pipelineAsOf(alice, 'web', between(m));
      expect(at).toBe(between(m));
      expect(view).toEqual(seen[m]);
    }
  });

  it('returns each version of a pipeline updated 3 times, with the transitions of then', async () => {
    const versions = await Promise.all([1, 2, 4].map(async (m) => (await asOf.pipelineAsOf(alice, 'web', between(m))).version));
    expect(versions.map((v) => [v.version, v.declaration.executionMode ?? 'SUPERSEDED'])).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'QUEUED'],
      [3, 'PARALLEL'],
    ]);
    const frozen = await asOf.pipelineAsOf(alice, 'web', between(3));
    expect(frozen.transitions.find((t) => t.stageName === 'Deploy')).toMatchObject({ enabled: false, disabledReason: 'change freeze', lastChangedBy: 'alice', lastChangedAt: instant(3) });
    const thawed = await asOf.pipelineAsOf(alice, 'web', between(5));
    expect(thawed.transitions.find((t) => t.stageName === 'Deploy')).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('counts an event that occurred exactly at the instant', async () => {
    expect((await asOf.pipelineAsOf(alice, 'web', instant(2))).version.version).toBe(2);
    expect((await asOf.pipelineAsOf(alice, 'web', new Date(Date.parse(instant(2)) - 1).toISOString())).version.version).toBe(1);
  });

  it('says the pipeline did not exist before its creation and while deleted', async () => {
    await expect(asOf.pipelineAsOf(alice, 'web', instant(0))).rejects.toMatchObject({ name: 'NotFoundError', message: `Pipeline 'web' did not exist at ${instant(0)}.` });
    await expect(asOf.pipelineAsOf(alice, 'web', between(6))).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining('did not exist at') });
  });

  it('gives the incarnation of then for a name deleted and created again', async () => {
    const first = await asOf.pipelineAsOf(alice, 'web', between(5));
    const second = await asOf.pipelineAsOf(alice, 'web', between(7));
    expect([first.version.version, first.created, first.tags]).toEqual([3, instant(1), [{ key: 'team', value: 'web' }]]);
    expect([second.version.version, second.created, second.tags]).toEqual([4, instant(7), []]);
  });

  it('is scoped to the caller’s account', async () => {
    await expect(asOf.pipelineAsOf({ account: 'globex', actor: 'mallory' }, 'web', between(7))).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses an `at` that is not an ISO instant, naming it', async () => {
    for (const bad of ['yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z']) {
      await expect(asOf.pipelineAsOf(alice, 'web', bad)).rejects.toMatchObject({ name: 'ValidationError', issues: [expect.objectContaining({ path: 'at', code: 'invalid_instant' })] });
    }
  });

  it('answers an instant still to come as of now', async () => {
    const now = new Date(Date.UTC(2026, 5, 1));
    const soon = new PipelineAsOfQueries(store, () => now);
    const { at, ...view } = await soon.pipelineAsOf(alice, 'web', '2999-01-01T00:00:00Z');
    expect(at).toBe(now.toISOString());
    expect(view).toEqual(live.getPipeline(alice, 'web'));
  });
});
