import { startPipelinesService, type PipelinesServiceProcess } from '../testing/pipelines-service-process';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { dropTestSchema, newTestSchema } from '../testing/test-schema';
import { markInstant } from '@sluice/testing';
import { graphqlAs, errorCodes } from '@sluice/graphql-service/testing';

// pipelineAsOf through HTTP POST /graphql, the service in a child process on the real PostgreSQL store.
const schema = newTestSchema();
let service: PipelinesServiceProcess;

beforeAll(async () => {
  service = await startPipelinesService(schema);
});

afterAll(async () => {
  await service?.stop();
  await dropTestSchema(schema);
});

const gql = graphqlAs(() => service);

const FIELDS = 'account name pipeline metadata { pipelineArn created updated version latestVersion } transitions { stageName enabled disabledReason lastChangedBy lastChangedAt } tags { key value }';
const GET = `query { getPipeline(name: "web") { ${FIELDS} } }`;
const AS_OF = `query($at: String!) { pipelineAsOf(name: "web", at: $at) { at ${FIELDS} } }`;

describe('pipelineAsOf over HTTP', () => {
  it('answers at each instant what getPipeline answered then', async () => {
    const before = await markInstant();
    const seen: Array<{ at: string; pipeline: Record<string, unknown> }> = [];
    const record = async () => seen.push({ at: await markInstant(), pipeline: (await gql(GET)).data!.getPipeline });
    expect((await gql(`mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }`, { p: sourceBuildDeployPipeline('web') })).errors).toBeUndefined();
    await record();
    for (const executionMode of ['QUEUED', 'PARALLEL', 'SUPERSEDED']) {
      const latest = (await gql(GET)).data!.getPipeline.pipeline;
      expect((await gql(`mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }`, { p: { ...latest, executionMode } })).errors).toBeUndefined();
      if (executionMode === 'PARALLEL') {
        await gql(`mutation { disableStageTransition(pipelineName: "web", stageName: "Deploy", transitionType: Inbound, reason: "freeze") { enabled } }`);
      }
      await record();
    }
    for (const { at, pipeline } of seen) {
      const answer = await gql(AS_OF, { at });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.pipelineAsOf).toEqual({ at, ...pipeline });
    }
    expect(seen.map(({ pipeline }) => (pipeline.metadata as { version: number }).version)).toEqual([1, 2, 3, 4]);
    const frozen = (await gql(AS_OF, { at: seen[2]!.at })).data!.pipelineAsOf;
    expect(frozen.transitions.find((t: { stageName: string }) => t.stageName === 'Deploy')).toMatchObject({ enabled: false, disabledReason: 'freeze' });

    const missing = await gql(AS_OF, { at: before });
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    expect(missing.errors![0]!.message).toBe(`Pipeline 'web' did not exist at ${before}.`);
    expect(errorCodes(await gql(AS_OF, { at: seen[3]!.at }, 'globex'))).toEqual(['NOT_FOUND']);
  });

  it('refuses an `at` that is not an ISO instant with BAD_USER_INPUT naming at', async () => {
    const answer = await gql(AS_OF, { at: '01/02/2026' });
    expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    expect((answer.errors![0]!.extensions as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(['at']);
  });
});
