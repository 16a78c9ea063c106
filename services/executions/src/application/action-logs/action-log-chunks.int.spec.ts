import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { actionLogStreamId, type ActionLogAppended } from '@sluice/contracts';
import type { ActionTypeId } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import { pipeline, stage } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import type { Caller } from '../caller';

// The engine's action logs with a log store (docs/decisions/0049), on the real PostgreSQL store and a real folder:
// the text goes to chunks, the events reference them, and a page costs the same at the start and at the end.
const alice: Caller = { account: 'acme', actor: 'alice' };
const writer: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'Printer', version: '1' };
let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let root: string;
let logStore: ArtifactStore;
// What one page costs: events read from the log stream, chunks read from the log store.
const cost = { events: 0, chunks: 0 };

function counted(store: EventStore): EventStore {
  return {
    append: (streamId, events, options) => store.append(streamId, events, options),
    readStream: async (streamId, options) => {
      const events = await store.readStream(streamId, options);
      if (streamId.startsWith('action-logs-')) cost.events += events.length;
      return events;
    },
    readAll: (options) => store.readAll(options),
    subscribeToAll: (handler, options) => store.subscribeToAll(handler, options),
    subscribeToStream: (streamId, handler, options) => store.subscribeToStream(streamId, handler, options),
    close: () => store.close(),
  };
}

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  root = await mkdtemp(join(tmpdir(), 'sluice-logs-'));
  const folder = await openFilesystemArtifactStore({ root, fsync: false });
  const get = folder.get.bind(folder);
  folder.get = (address, options) => {
    cost.chunks++;
    return get(address, options);
  };
  logStore = folder;
  engine = await env.startEngine({ store: counted(env.store), actionLogStore: logStore });
  const version = await env.publisher.publish(pipeline([stage('Build', [{ name: 'Print', actionTypeId: writer, runOrder: 1 }])], { name: 'printer', executionMode: 'PARALLEL' }));
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name: 'printer' }, version);
});

afterAll(async () => {
  await env?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function runningJob() {
  const polling = engine.pollForJobs(writer, 1, { waitMs: 10_000 });
  const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name: 'printer' });
  const [job] = await polling;
  await engine.acknowledgeJob(job!.id, job!.nonce);
  return { executionId: pipelineExecutionId, job: job! };
}

const at = '2026-03-01T10:00:00.000Z';
const CALLS = 40;
const PER_CALL = 100;
const text = (n: number) => `line ${n} of the build\n`;

it('keeps the text in one chunk per call, events that reference it, and pages the same at line 1 and at the last line', async () => {
  const { executionId, job } = await runningJob();
  const batch = (call: number) => Array.from({ length: PER_CALL }, (_, index) => ({ sequence: call * PER_CALL + index, stream: 'stdout' as const, chunk: text(call * PER_CALL + index), at }));
  for (let call = 0; call < CALLS; call++) await engine.appendJobLogs(job.id, job.nonce, batch(call));
  await engine.appendJobLogs(job.id, job.nonce, batch(7)); // a retried call: its events and its chunk stored once

  // The store holds facts: a reference per entry, not a byte of the text.
  const events = await env.store.readStream(actionLogStreamId(executionId));
  expect(events).toHaveLength(CALLS * PER_CALL);
  for (const event of events) {
    const data = event.data as ActionLogAppended['data'];
    expect(data.chunk).toBeUndefined();
    expect(data.chunkRef).toMatchObject({ key: expect.stringMatching(/^[0-9a-f]{64}$/), size: Buffer.byteLength(text(data.sequence)), lines: 1 });
  }
  expect(JSON.stringify(events.map((event) => [event.data, event.metadata]))).not.toContain('of the build');
  const chunks: string[] = [];
  for await (const address of logStore.list()) chunks.push(address);
  expect(chunks).toHaveLength(CALLS);

  const page = async (after: string | null) => {
    cost.events = 0;
    cost.chunks = 0;
    const result = await engine.actionLogs(alice, executionId, { after, first: 50 });
    return { result, cost: { ...cost } };
  };
  const start = await page(null);
  expect(start.result.entries.map((entry) => entry.chunk)).toEqual(Array.from({ length: 50 }, (_, n) => text(n)));
  expect(start.result.hasNextPage).toBe(true);
  const second = await page(start.result.endCursor);
  expect(second.result.entries[0]).toMatchObject({ chunk: text(50), sequence: 50, stageName: 'Build', actionName: 'Print', jobId: job.id, stream: 'stdout', at });

  const last = CALLS * PER_CALL;
  const end = await page(events[last - 51]!.position.toString());
  expect(end.result.entries.map((entry) => entry.chunk)).toEqual(Array.from({ length: 50 }, (_, n) => text(last - 50 + n)));
  expect(end.result.hasNextPage).toBe(false);
  expect(end.result.endCursor).toBe(events.at(-1)!.position.toString());
  // The same few events and chunks at the end as after the first page: a binary search (log2 of 4000 ≈ 12 reads of
  // one event) finds the cursor, the page reads its 51 events and the one or two chunks they reference.
  expect(end.cost.chunks).toBeLessThanOrEqual(2);
  expect(end.cost.events).toBeLessThanOrEqual(51 + 16);
  expect(second.cost.events).toBeLessThanOrEqual(51 + 16);
  expect(end.cost.events).toBeLessThanOrEqual(second.cost.events + 3);
});

it('reads the text of log events written before the log store, inline, beside the referenced ones', async () => {
  const { executionId, job } = await runningJob();
  const legacy: ActionLogAppended['data'] = {
    pipelineExecutionId: executionId,
    pipelineName: 'printer',
    stageName: 'Build',
    actionName: 'Print',
    actionExecutionId: job.data.actionExecutionId,
    jobId: job.id,
    sequence: 0,
    stream: 'stderr',
    chunk: 'written inline by an older Sluice\n',
    at,
  };
  await env.store.append(actionLogStreamId(executionId), [{ type: 'ActionLogAppended', data: legacy, metadata: { account: 'acme', actor: 'worker' } }]);
  await engine.appendJobLogs(job.id, job.nonce, [{ sequence: 1, stream: 'stdout', chunk: 'written to a chunk\n', at }]);
  const { entries } = await engine.actionLogs(alice, executionId);
  expect(entries.map((entry) => [entry.stream, entry.chunk])).toEqual([
    ['stderr', 'written inline by an older Sluice\n'],
    ['stdout', 'written to a chunk\n'],
  ]);
  // The per-action cap counts both.
  expect((await engine.actionLogs(alice, executionId, { after: entries[0]!.cursor })).entries.map((entry) => entry.chunk)).toEqual(['written to a chunk\n']);
  await expect(engine.actionLogs({ account: 'other', actor: 'mallory' }, executionId)).rejects.toMatchObject({ name: 'NotFoundError' });
});

it('says an entry whose chunk the logs’ retention removed is expired, keeps it in its place, and reads the others', async () => {
  const { executionId, job } = await runningJob();
  await engine.appendJobLogs(job.id, job.nonce, [{ sequence: 0, stream: 'stdout', chunk: 'an old line\n', at }]);
  await engine.appendJobLogs(job.id, job.nonce, [{ sequence: 1, stream: 'stdout', chunk: 'a recent line\n', at }]);
  const [old] = await env.store.readStream(actionLogStreamId(executionId));
  await logStore.delete((old!.data as ActionLogAppended['data']).chunkRef!.key);
  const { entries } = await engine.actionLogs(alice, executionId);
  expect(entries.map((entry) => [entry.sequence, entry.chunk, entry.expired])).toEqual([
    [0, '', true],
    [1, 'a recent line\n', false],
  ]);
});
