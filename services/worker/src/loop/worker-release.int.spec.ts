import type { ActionTypeId } from '@sluice/domain';
import type { ExecutionsEngine } from '@sluice/executions/src/executions-engine';
import { eventually } from '@sluice/executions/src/testing/eventually';
import type { JobApi } from '../job-api/job-api';
import { alice, WorkerTestEnvironment } from './testing/worker-test-environment';

// A worker that stops gives back, at once, the jobs it still holds when its job API can take them (the engine
// in-process, decision 0027), instead of leaving them to run out their lease.
const build: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };

let env: WorkerTestEnvironment;

beforeAll(async () => {
  env = await WorkerTestEnvironment.start();
});

afterAll(async () => {
  await env?.stop();
});

it('a result it could not deliver goes out again when it stops, as attempt 2, and the log says why', async () => {
  await env.publish({ name: 'undelivered', stages: [{ name: 'Build', actions: [{ name: 'Echo', actionTypeId: build, commands: ['echo ran'] }] }] });
  const engine: ExecutionsEngine = env.engine;
  // The engine in-process, except that this worker's results never arrive (as if the service could not be reached).
  const cut: JobApi & Pick<ExecutionsEngine, 'releaseJobs'> = {
    pollForJobs: (actionTypeId, maxBatchSize, options) => engine.pollForJobs(actionTypeId, maxBatchSize, options),
    acknowledgeJob: (jobId, nonce) => engine.acknowledgeJob(jobId, nonce),
    heartbeat: (jobId, nonce) => engine.heartbeat(jobId, nonce),
    appendJobLogs: (jobId, nonce, entries) => engine.appendJobLogs(jobId, nonce, entries),
    putJobSuccessResult: () => Promise.reject(new Error('connect ECONNREFUSED')),
    putJobFailureResult: () => Promise.reject(new Error('connect ECONNREFUSED')),
    releaseJobs: (workers, reason) => engine.releaseJobs(workers, reason),
  };
  const first = env.startWorker({ jobApi: cut, reportRetry: { attempts: 1, initialDelayMs: 10 } });
  const executionId = await env.start('undelivered');
  await eventually(() => env.events.some((event) => event.type === 'ReportFailed'), () => 'the result was not given up on');
  const jobId = env.events.find((event) => event.type === 'ReportFailed')!.jobId;

  const stopped = Date.now();
  await first.stop();
  env.startWorker();
  expect(await env.finished('undelivered', executionId)).toBe('Succeeded');
  // The environment's heartbeat lease is 10 s: the job came back because the worker gave it back, not because it ran out.
  expect(Date.now() - stopped).toBeLessThan(5_000);
  const requeued = (await env.engines.store.readStream(`job-${jobId}`)).find((event) => event.type === 'JobRequeued');
  expect(requeued?.data).toMatchObject({ reason: 'WorkerStopped', previousWorkerId: first.workerId, detail: 'it was shut down' });
  const notes = (await env.logs(executionId)).filter((entry) => entry.stream === 'system').map((entry) => entry.chunk);
  expect(notes).toContain(`[sluice] attempt 2: the worker ${first.workerId} holding attempt 1 stopped (it was shut down); the job was handed out again.\n`);
  expect(engine.getPipelineExecution(alice, 'undelivered', executionId).status).toBe('Succeeded');
});
