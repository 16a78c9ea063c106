import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandsStage, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';
import { startOtlpReceiver, traceAncestry, type OtlpReceiver } from '../testing/otlp-receiver';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 20, decision 0050: one trace per execution, from the gateway request that starts it, through the executions
// subgraph and the engine's steps, to the worker's jobs — exported over OTLP/HTTP (JSON) to a receiver on loopback.

let root: string;
let platform: PlatformProcess | undefined;
let receiver: OtlpReceiver;

async function gql<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ data?: T | null; errors?: Array<{ message: string }> }> {
  const res = await fetch(`${platform!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${platform!.token}`, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as { data?: T | null; errors?: Array<{ message: string }> };
}

async function eventually<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${platform?.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-traces-')));
  initGitRepository(join(root, 'repo'), { 'README.md': 'traced\n' });
  receiver = await startOtlpReceiver();
  platform = await startPlatformProcess(join(root, 'data'), {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    SLUICE_POLL_INTERVAL_MS: '3600000',
  });
});

afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('OpenTelemetry traces of the embedded platform, exported over OTLP/HTTP', () => {
  it('makes one trace of an execution: the gateway request, the executions subgraph, the engine steps, each worker job', async () => {
    const declaration = {
      name: 'traced',
      stages: [
        gitSourceStage({ repositoryUrl: pathToFileURL(join(root, 'repo')).href, output: 'Src', configuration: { DetectChanges: 'false' } }),
        commandsStage('Build', ['echo built'], { action: 'Compile', inputs: 'Src' }),
      ],
    };
    expect((await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: declaration })).errors).toBeUndefined();

    // The caller's own trace context: the gateway's span is its child, so the test knows the trace id it looks for.
    const traceId = hex(16);
    const clientSpanId = hex(8);
    const executionId = await eventually(
      async () =>
        (
          await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(
            'mutation StartExecution { startPipelineExecution(name: "traced") { pipelineExecutionId } }',
            {},
            { traceparent: `00-${traceId}-${clientSpanId}-01` },
          )
        ).data?.startPipelineExecution.pipelineExecutionId,
      'the executions service to know the pipeline',
    );
    await eventually(async () => {
      const answer = await gql<{ getPipelineExecution: { status: string } }>('query($id: ID!) { getPipelineExecution(pipelineName: "traced", pipelineExecutionId: $id) { status } }', { id: executionId });
      const status = answer.data?.getPipelineExecution.status;
      if (status === 'Failed') throw new Error('the execution failed');
      return status === 'Succeeded' ? status : undefined;
    }, 'the execution to succeed');

    // Both jobs' spans exported (the batch goes out every 100 ms).
    const jobSpans = await eventually(async () => {
      const jobs = receiver.spans.filter((span) => span.name.startsWith('job ') && span.attributes['sluice.execution.id'] === executionId);
      return jobs.length === 2 ? jobs : undefined;
    }, 'the spans of both jobs');
    expect(receiver.contentTypes).toEqual(new Set(['application/json']));

    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    const ancestry = traceAncestry(trace);

    // Every job is in the execution's trace, with the id and the action it ran.
    expect(jobSpans.map((span) => span.traceId)).toEqual([traceId, traceId]);
    const source = jobSpans.find((span) => span.attributes['sluice.stage'] === 'Source')!;
    const build = jobSpans.find((span) => span.attributes['sluice.stage'] === 'Build')!;
    expect(source.name).toMatch(/^job Source\/.+\/Git\/1$/);
    expect(build).toMatchObject({ name: 'job Build/Sluice/Commands/1', attributes: { 'sluice.action': 'Compile', 'sluice.execution.id': executionId } });

    // The source job: a child of an engine step, whose chain of steps goes back to the executions subgraph's request,
    // whose parent is the gateway's span of the StartExecution operation, whose parent is the caller's span.
    const chain = ancestry(source);
    const names = chain.map((span) => span.name);
    expect(names[0]).toBe('engine step');
    const subgraphAt = names.indexOf('subgraph POST /graphql');
    expect(subgraphAt).toBeGreaterThan(0);
    expect(names.slice(0, subgraphAt).every((name) => name === 'engine step')).toBe(true);
    expect(names.slice(subgraphAt + 1)).toEqual(['gateway graphql StartExecution']);
    const gateway = chain[subgraphAt + 1]!;
    expect(gateway).toMatchObject({ parentSpanId: clientSpanId, kind: 2 /* SERVER */, attributes: { 'graphql.operation.name': 'StartExecution' } });
    expect(chain[subgraphAt]).toMatchObject({ kind: 2 /* SERVER */ });
    expect(chain[0]!.attributes['sluice.execution.id']).toBe(executionId);
    expect(chain[0]!.attributes['sluice.engine.commands']).toContain('CreateJob');

    // The build job follows from the source job's result: its chain of engine steps passes through the source job.
    expect(ancestry(build).map((span) => span.spanId)).toContain(source.spanId);
    expect(ancestry(build)[0]!.name).toBe('engine step');
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['sluice']));
  }, 120_000);
});
