import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { eventually } from '@sluice/gateway/testing';
import { commandsStage, gitSourceStage, makeGitRepository } from '@sluice/testing/fixtures';
import { startOtlpReceiver, traceAncestry, type OtlpReceiver } from '../testing/otlp-receiver';
import { startDistributedTopology, type DistributedTopology } from './topology';

// Decision 0050 in the distributed mode: every service its own process, each exporting its spans over OTLP/HTTP to a
// receiver on loopback. One execution is one trace across them: the gateway, the executions subgraph, the engine
// instances' steps, the worker process's jobs (whose results, reported through the gateway, cause the next steps).

const schema = newTestSchema('traces');
let workDir: string;
let topology: DistributedTopology | undefined;
let receiver: OtlpReceiver;

async function gql<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ data?: T | null; errors?: Array<{ message: string }> }> {
  const res = await fetch(`${topology!.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${topology!.adminToken}`, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as { data?: T | null; errors?: Array<{ message: string }> };
}

beforeAll(async () => {
  const brokers = process.env.SLUICE_TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('SLUICE_TEST_KAFKA_BROKERS is not set: run this test without SLUICE_TEST_KAFKA=skip (the jest globalSetup starts Kafka)');
  workDir = await mkdtemp(join(tmpdir(), 'sluice-traces-'));
  receiver = await startOtlpReceiver();
  topology = await startDistributedTopology({
    inheritedEnv: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
    eventStore: testPostgresUrl(),
    eventStoreSchema: schema,
    kafkaBrokers: brokers.split(','),
    topicPrefix: `test.${schema}`,
    artifactsDir: join(workDir, 'artifacts'),
    dataDir: join(workDir, 'data'),
    engines: 2,
    workers: 1,
    triggers: 0,
    startTimeoutMs: 120_000,
    stopGraceMs: 10_000,
  });
}, 240_000);

afterAll(async () => {
  await topology?.stop();
  await receiver?.close();
  await dropTestSchema(schema);
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe('OpenTelemetry traces of the distributed mode', () => {
  it('makes one trace of an execution across the gateway, the engine instances and the worker process', async () => {
    const repositoryUrl = await makeGitRepository(join(workDir, 'repo'));
    const declaration = { name: 'traced', stages: [gitSourceStage({ repositoryUrl, output: 'Src' }), commandsStage('Build', ['echo built'], { action: 'Compile', inputs: 'Src' })] };
    expect((await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: declaration })).errors).toBeUndefined();

    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const executionId = await eventually(
      async () =>
        (
          await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation StartExecution { startPipelineExecution(name: "traced") { pipelineExecutionId } }', {}, { traceparent: `00-${traceId}-${clientSpanId}-01` })
        ).data?.startPipelineExecution.pipelineExecutionId,
      'the engines to know the pipeline',
      60_000,
    );
    await eventually(
      async () => {
        const status = (await gql<{ getPipelineExecution: { status: string } }>('query($id: ID!) { getPipelineExecution(pipelineName: "traced", pipelineExecutionId: $id) { status } }', { id: executionId })).data?.getPipelineExecution.status;
        if (status === 'Failed') throw new Error('the execution failed');
        return status === 'Succeeded' ? status : undefined;
      },
      'the execution to succeed',
      90_000,
    );
    const jobs = await eventually(
      async () => {
        const found = receiver.spans.filter((span) => span.name.startsWith('job ') && span.attributes['sluice.execution.id'] === executionId);
        return found.length === 2 ? found : undefined;
      },
      'the worker to export both job spans',
      30_000,
    );

    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    const ancestry = traceAncestry(trace);
    expect(jobs.map((span) => [span.service, span.traceId])).toEqual([
      ['worker', traceId],
      ['worker', traceId],
    ]);
    const source = jobs.find((span) => span.attributes['sluice.stage'] === 'Source')!;
    const build = jobs.find((span) => span.attributes['sluice.stage'] === 'Build')!;

    // The source job: engine steps (on an executions process) back to the subgraph request the gateway made.
    const chain = ancestry(source);
    const subgraphAt = chain.findIndex((span) => span.name === 'subgraph POST /graphql');
    expect(subgraphAt).toBeGreaterThan(0);
    expect(chain.slice(0, subgraphAt).map((span) => [span.name, span.service])).toEqual(Array(subgraphAt).fill(['engine step', 'executions']));
    expect(chain[subgraphAt]!.service).toBe('executions');
    expect(chain.slice(subgraphAt + 1).map((span) => [span.name, span.service, span.parentSpanId])).toEqual([['gateway graphql StartExecution', 'gateway', clientSpanId]]);

    // The build job follows from the source job's result, reported by the worker through the gateway in the job's span.
    const buildChain = ancestry(build);
    expect(buildChain.map((span) => span.spanId)).toContain(source.spanId);
    const afterSource = buildChain.slice(0, buildChain.findIndex((span) => span.spanId === source.spanId)).map((span) => span.service);
    expect(afterSource).toContain('gateway');
    expect(afterSource).toContain('executions');
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['gateway', 'executions', 'worker']));
  }, 180_000);
});
