import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore } from '@sluice/artifact-store';
import { ConflictError, type ActionTypeId } from '@sluice/domain';
import { pipeline, stage } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import type { Caller } from '../caller';

// The engine's appendJobLogs on the real PostgreSQL store, with small limits: the per-action cap and the
// grace after a job ended; the text in a log store (docs/decisions/0049), so the cap counts the referenced sizes.
const alice: Caller = { account: 'acme', actor: 'alice' };
const manual: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'Chatty', version: '1' };
let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let logsDir: string;

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  logsDir = await mkdtemp(join(tmpdir(), 'sluice-logs-'));
  engine = await env.startEngine({ actionLogLimits: { actionBytes: 100, endedGraceMs: 300 }, actionLogStore: await openFilesystemArtifactStore({ root: logsDir, fsync: false }) });
  const version = await env.publisher.publish(pipeline([stage('Talk', [{ name: 'Chatty', actionTypeId: manual, runOrder: 1 }])], { name: 'chatty', executionMode: 'PARALLEL' }));
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name: 'chatty' }, version);
});

afterAll(async () => {
  await env?.stop();
  if (logsDir) await rm(logsDir, { recursive: true, force: true });
});

async function runningJob() {
  const polling = engine.pollForJobs(manual, 1, { waitMs: 10_000 });
  const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name: 'chatty' });
  const [job] = await polling;
  await engine.acknowledgeJob(job!.id, job!.nonce);
  return { executionId: pipelineExecutionId, job: job! };
}

const line = (sequence: number, chunk: string) => ({ sequence, stream: 'stdout' as const, chunk, at: new Date().toISOString() });

it('stores one truncation notice when an action passes its cap, and nothing after it', async () => {
  const { executionId, job } = await runningJob();
  await engine.appendJobLogs(job.id, job.nonce, [line(0, 'a'.repeat(60)), line(1, 'b'.repeat(30))]);
  await engine.appendJobLogs(job.id, job.nonce, [line(2, 'c'.repeat(30)), line(3, 'd'.repeat(5))]);
  await engine.appendJobLogs(job.id, job.nonce, [line(4, 'e'.repeat(5))]);
  const entries = (await engine.actionLogs(alice, executionId)).entries;
  expect(entries.map((entry) => [entry.stream, entry.chunk.slice(0, 1)])).toEqual([
    ['stdout', 'a'],
    ['stdout', 'b'],
    ['system', '['],
  ]);
  expect(entries[2]!.chunk).toContain('reached 100 bytes');
  await engine.putJobSuccessResult(job.id, {});
});

it('takes the holder’s last lines for the grace after the result, then refuses them', async () => {
  const { executionId, job } = await runningJob();
  await engine.putJobFailureResult(job.id, { type: 'JobFailed', message: 'exit 1' });
  await engine.appendJobLogs(job.id, job.nonce, [line(0, 'just after\n')]);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await expect(engine.appendJobLogs(job.id, job.nonce, [line(1, 'too late\n')])).rejects.toBeInstanceOf(ConflictError);
  expect((await engine.actionLogs(alice, executionId)).entries.map((entry) => entry.chunk)).toEqual(['just after\n']);
});
