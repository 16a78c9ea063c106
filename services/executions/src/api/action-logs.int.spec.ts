import { ConflictError, NotFoundError, ValidationError, type ActionTypeId, type PipelineDeclaration } from '@sluice/domain';
import { graphqlJobApi } from '@sluice/worker';
import type { JobApi, JobLogEntry, PolledJob } from '@sluice/worker';
import { pipeline, stage } from '../domain/testing/fixtures';
import { actionLogStreamId } from '@sluice/contracts';
import { eventually } from '../testing/eventually';
import { startExecutionsService } from '../testing/executions-service-process';
import { PipelinePublisher } from '../testing/pipeline-publisher';
import { newTestSchema } from '../testing/test-schema';
import { graphqlAs, serviceOnStoreForFile } from '@sluice/graphql-service/testing';

// appendJobLogs and actionLogs on the executions subgraph over HTTP (the service in a child process on the
// real PostgreSQL store), spoken by the worker's own GraphQL adapter as a remote worker would.
const schema = newTestSchema();
const manual: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'LogWriter', version: '1' };
const running = serviceOnStoreForFile(schema, startExecutionsService);
let api: JobApi;

beforeAll(() => {
  // A worker of account acme, reaching the subgraph as the gateway does (with the service's internal secret).
  api = graphqlJobApi({ url: `${running.service.url}/graphql`, headers: { 'x-sluice-account': 'acme', 'x-sluice-internal-secret': running.service.internalSecret } });
});

const gql = graphqlAs(() => running.service);
const LOGS = `query($id: ID!, $stageName: String, $actionName: String, $after: String, $first: Int) {
  actionLogs(pipelineExecutionId: $id, stageName: $stageName, actionName: $actionName, after: $after, first: $first) {
    entries { cursor stageName actionName actionExecutionId jobId sequence stream chunk at } endCursor hasNextPage } }`;
const at = '2026-03-01T10:00:00.000Z';
const line = (sequence: number, chunk: string, stream: JobLogEntry['stream'] = 'stdout'): JobLogEntry => ({ sequence, stream, chunk, at });

async function startWithJob(declaration: PipelineDeclaration): Promise<{ executionId: string; job: PolledJob }> {
  const version = await new PipelinePublisher(running.store).publish(declaration);
  await eventually(
    async () => (await gql('query($name: String!) { getPipelineState(name: $name) { pipelineVersion } }', { name: declaration.name })).data?.getPipelineState.pipelineVersion === version,
    () => `pipeline ${declaration.name} not known`,
  );
  const polling = api.pollForJobs(manual, 1, { waitMs: 15_000 });
  const started = await gql('mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }', { name: declaration.name });
  const [job] = await polling;
  await api.acknowledgeJob(job!.id, job!.nonce);
  return { executionId: started.data!.startPipelineExecution.pipelineExecutionId, job: job! };
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('action logs on the executions subgraph', () => {
  it('stores the holder’s lines once each, pages them in order, and keeps the last lines sent just after the result', async () => {
    const { executionId, job } = await startWithJob(pipeline([stage('Test', [{ name: 'Writer', actionTypeId: manual, runOrder: 1 }])], { name: 'logged' }));
    const first = [line(0, 'line-1\n'), line(1, 'careful\n', 'stderr')];
    await api.appendJobLogs(job.id, job.nonce, first);
    await api.appendJobLogs(job.id, job.nonce, first); // a retried batch
    await api.appendJobLogs(job.id, job.nonce, [line(1, 'careful\n', 'stderr'), line(2, 'line-2\n')]); // overlapping
    const stored = await running.store.readStream(actionLogStreamId(executionId));
    expect(stored.map((event) => (event.data as { sequence: number }).sequence)).toEqual([0, 1, 2]);
    // The text is in the service's log store (SLUICE_LOGS), the events reference it (docs/decisions/0049).
    expect(stored.map((event) => Object.keys(event.data as object).filter((key) => key === 'chunk' || key === 'chunkRef'))).toEqual([['chunkRef'], ['chunkRef'], ['chunkRef']]);

    await api.putJobSuccessResult(job.id, { executionSummary: 'written' });
    await api.appendJobLogs(job.id, job.nonce, [line(3, 'the last line\n')]);
    expect(await failureOf(api.appendJobLogs(job.id, 'another-nonce', [line(4, 'not mine\n')]))).toBeInstanceOf(ConflictError);

    const all = await gql(LOGS, { id: executionId });
    expect(all.errors).toBeUndefined();
    const page = all.data!.actionLogs;
    expect(page.entries.map((entry: { chunk: string }) => entry.chunk)).toEqual(['line-1\n', 'careful\n', 'line-2\n', 'the last line\n']);
    expect(page.entries[1]).toMatchObject({ stageName: 'Test', actionName: 'Writer', actionExecutionId: job.data.actionExecutionId, jobId: job.id, sequence: 1, stream: 'stderr', at });
    expect(page.hasNextPage).toBe(false);
    expect(page.endCursor).toBe(page.entries[3].cursor);

    const firstTwo = (await gql(LOGS, { id: executionId, first: 2 })).data!.actionLogs;
    expect(firstTwo.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual([0, 1]);
    expect(firstTwo.hasNextPage).toBe(true);
    const rest = (await gql(LOGS, { id: executionId, after: firstTwo.endCursor })).data!.actionLogs;
    expect(rest.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual([2, 3]);
    expect((await gql(LOGS, { id: executionId, actionName: 'Other' })).data!.actionLogs.entries).toEqual([]);
    expect((await gql(LOGS, { id: executionId, stageName: 'Test', actionName: 'Writer' })).data!.actionLogs.entries).toHaveLength(4);

    const elsewhere = await gql(LOGS, { id: executionId }, 'other-account');
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badCursor = await gql(LOGS, { id: executionId, after: 'yesterday' });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: '$.after' }] });
  });

  it('refuses an unknown job, a wrong nonce, an oversize chunk and a too-big batch, naming the field', async () => {
    const { executionId, job } = await startWithJob(pipeline([stage('Test', [{ name: 'Writer', actionTypeId: manual, runOrder: 1 }])], { name: 'refusing' }));
    expect(await failureOf(api.appendJobLogs('no-such-job', 'n', [line(0, 'x')]))).toBeInstanceOf(NotFoundError);
    expect(await failureOf(api.appendJobLogs(job.id, 'wrong-nonce', [line(0, 'x')]))).toBeInstanceOf(ConflictError);

    const oversize = await failureOf(api.appendJobLogs(job.id, job.nonce, [line(0, 'fine\n'), line(1, 'x'.repeat(64 * 1024 + 1))]));
    expect(oversize).toBeInstanceOf(ValidationError);
    expect((oversize as ValidationError).issues).toEqual([expect.objectContaining({ path: 'entries[1].chunk' })]);

    const tooBig = await failureOf(api.appendJobLogs(job.id, job.nonce, [0, 1, 2, 3, 4].map((n) => line(n, 'y'.repeat(60 * 1024)))));
    expect(tooBig).toBeInstanceOf(ValidationError);
    expect((tooBig as ValidationError).issues).toEqual([expect.objectContaining({ path: 'entries', message: expect.stringContaining('262144') })]);

    const badSequence = await failureOf(api.appendJobLogs(job.id, job.nonce, [line(-1, 'z')]));
    expect((badSequence as ValidationError).issues).toEqual([expect.objectContaining({ path: 'entries[0].sequence' })]);
    expect(await running.store.readStream(actionLogStreamId(executionId))).toEqual([]);
  });
});
