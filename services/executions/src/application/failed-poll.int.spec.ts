import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import type { ActionTypeId } from '@sluice/domain';
import type { JobEvent } from '@sluice/contracts';
import { pipeline, stage } from '../domain/testing/fixtures';
import type { ExecutionsEngine } from '../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../testing/engine-test-environment';

// A poll that fails once it has leased jobs (here: the log store cannot take attempt 2's note) hands out none of them,
// and none of them is left leased to the worker that got an error instead: they are all back on the queue at once.
const type: ActionTypeId = { category: 'Build', owner: 'Custom', provider: 'PollFails', version: '1' };

let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let folder: string;
let logStore: ArtifactStore;
/** While set, the log store refuses every write, as a full disk does. */
let full = false;

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  folder = await mkdtemp(join(tmpdir(), 'sluice-failed-poll-'));
  logStore = await openFilesystemArtifactStore({ root: folder, fsync: false });
  const store = logStore;
  const fillable: ArtifactStore = {
    put: (source, options) => (full ? Promise.reject(new Error('ENOSPC: no space left on device, write')) : store.put(source, options)),
    get: (sha256, options) => store.get(sha256, options),
    has: (sha256) => store.has(sha256),
    stat: (sha256) => store.stat(sha256),
    delete: (sha256) => store.delete(sha256),
    list: () => store.list(),
    close: () => store.close(),
  };
  // Leases long enough that only a release can put a job back within the test.
  engine = await env.startEngine({ actionLogStore: fillable, jobQueuePolicy: { acknowledgeWithinMs: 60_000, heartbeatWithinMs: 300_000 } });
});

afterAll(async () => {
  await env?.stop();
  await logStore?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const jobEvents = async (jobId: string): Promise<JobEvent[]> => (await env.store.readStream(`job-${jobId}`)) as unknown as JobEvent[];

it('gives back every job it leased, its batch included, and says why in the next attempt', async () => {
  await env.publisher.publish(pipeline([stage('Build', [{ name: 'First', actionTypeId: type, runOrder: 1 }, { name: 'Second', actionTypeId: type, runOrder: 1 }])], { name: 'poll-fails' }));
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name: 'poll-fails' }, 1);
  await engine.startPipelineExecution({ account: 'acme', actor: 'alice' }, { name: 'poll-fails' });
  // Attempt 1 of one job, given back: its next dispatch writes the attempt's note into the log store.
  const [retried] = await engine.pollForJobs(type, 1, { waitMs: 10_000, workerId: 'worker-1' });
  expect(await engine.releaseJob(retried!.id, retried!.nonce, 'the worker is stopping')).toBe(true);

  full = true;
  const failed = await engine.pollForJobs(type, 2, { waitMs: 0, workerId: 'worker-2' }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failed).toEqual(new Error('ENOSPC: no space left on device, write'));
  const both = (await jobEvents(retried!.id)).slice(-2);
  expect(both.map((event) => event.type)).toEqual(['JobDispatched', 'JobRequeued']);
  expect(both[1]!.data).toMatchObject({ reason: 'WorkerStopped', previousWorkerId: 'worker-2', detail: 'the poll that took it failed: ENOSPC: no space left on device, write' });

  // Not leased for a minute to the worker that got the error: both are handed out now, the other one of the batch too.
  full = false;
  const again = await engine.pollForJobs(type, 2, { waitMs: 0, workerId: 'worker-3' });
  expect(again.map((job) => job.data.actionName).sort()).toEqual(['First', 'Second']);
  const other = again.find((job) => job.id !== retried!.id)!;
  expect((await jobEvents(other.id)).map((event) => event.type)).toEqual(['JobCreated', 'JobDispatched', 'JobRequeued', 'JobDispatched']);
  const notes = (await engine.actionLogs({ account: 'acme', actor: 'alice' }, retried!.data.executionId, { first: 100 })).entries.map((entry) => entry.chunk);
  expect(notes).toContain('[sluice] attempt 3: the worker worker-2 holding attempt 2 stopped (the poll that took it failed: ENOSPC: no space left on device, write); the job was handed out again.\n');
});
