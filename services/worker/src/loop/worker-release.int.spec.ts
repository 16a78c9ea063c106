import type { ActionTypeId } from '@sluice/domain';
import type { ExecutionsEngine } from '@sluice/executions';
import { eventually } from '@sluice/executions/testing';
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
  let second: ReturnType<typeof env.startWorker> | undefined;
  const executionId = await env.start('undelivered');
  await eventually(() => env.events.some((event) => event.type === 'ReportFailed'), () => 'the result was not given up on');
  const jobId = env.events.find((event) => event.type === 'ReportFailed')!.jobId;

  const stopped = Date.now();
  await first.stop();
  second = env.startWorker();
  expect(await env.finished('undelivered', executionId)).toBe('Succeeded');
  // The environment's heartbeat lease is 10 s: the job came back because the worker gave it back, not because it ran out.
  expect(Date.now() - stopped).toBeLessThan(5_000);
  const requeued = (await env.engines.store.readStream(`job-${jobId}`)).find((event) => event.type === 'JobRequeued');
  expect(requeued?.data).toMatchObject({ reason: 'WorkerStopped', previousWorkerId: first.workerId, detail: 'it was shut down' });
  const notes = (await env.logs(executionId)).filter((entry) => entry.stream === 'system').map((entry) => entry.chunk);
  expect(notes).toContain(`[sluice] attempt 2: the worker ${first.workerId} holding attempt 1 stopped (it was shut down); the job was handed out again.\n`);
  expect((await engine.getPipelineExecution(alice, 'undelivered', executionId)).status).toBe('Succeeded');
  await second.stop();
});

it('a job handed out as it stops is given back at once by its nonce (releaseJob), over a job API without releaseJobs', async () => {
  await env.publish({ name: 'given-back', stages: [{ name: 'Build', actions: [{ name: 'Echo', actionTypeId: build, commands: ['echo ran'] }] }] });
  const engine: ExecutionsEngine = env.engine;
  let worker: ReturnType<typeof env.startWorker> | undefined;
  // What a worker elsewhere has (graphqlJobApi): the job calls and releaseJob, never the engine's releaseJobs.
  // The poll that brings the job is the moment the worker is asked to stop.
  const remote: JobApi = {
    pollForJobs: async (actionTypeId, maxBatchSize, options) => {
      const jobs = await engine.pollForJobs(actionTypeId, maxBatchSize, options);
      if (jobs.length > 0) void worker!.stop();
      return jobs;
    },
    acknowledgeJob: (jobId, nonce) => engine.acknowledgeJob(jobId, nonce),
    heartbeat: (jobId, nonce) => engine.heartbeat(jobId, nonce),
    appendJobLogs: (jobId, nonce, entries) => engine.appendJobLogs(jobId, nonce, entries),
    putJobSuccessResult: (jobId, result) => engine.putJobSuccessResult(jobId, result),
    putJobFailureResult: (jobId, failure) => engine.putJobFailureResult(jobId, failure),
    releaseJob: (jobId, nonce, reason) => engine.releaseJob(jobId, nonce, reason),
  };
  worker = env.startWorker({ jobApi: remote });
  const executionId = await env.start('given-back');
  await worker.done;
  const released = env.events.find((event) => event.type === 'JobReleased');
  expect(released).toMatchObject({ type: 'JobReleased', reason: 'the worker is stopping' });
  const stopped = Date.now();
  const next = env.startWorker();
  expect(await env.finished('given-back', executionId)).toBe('Succeeded');
  // Not the dispatch lease running out: the job was back on the queue when the next worker polled.
  expect(Date.now() - stopped).toBeLessThan(5_000);
  const notes = (await env.logs(executionId)).filter((entry) => entry.stream === 'system').map((entry) => entry.chunk);
  expect(notes.some((note) => note.includes(`attempt 2: the worker ${worker!.workerId} holding attempt 1 stopped (the worker ${worker!.workerId} is stopping)`))).toBe(true);
  // Only the next test's workers serve its jobs.
  await next.stop();
}, 60_000);

it('a job the loop fails on before running it is given back at once by its nonce, not left to its lease', async () => {
  await env.publish({ name: 'loop-fails', stages: [{ name: 'Build', actions: [{ name: 'Echo', actionTypeId: build, commands: ['echo ran'] }] }] });
  const engine: ExecutionsEngine = env.engine;
  // The first job handed out comes without its action type, which the loop needs before anything else (a bug of ours).
  let broken = 0;
  const api: JobApi = {
    pollForJobs: async (actionTypeId, maxBatchSize, options) =>
      (await engine.pollForJobs(actionTypeId, maxBatchSize, options)).map((job) => (broken++ === 0 ? { ...job, data: { ...job.data, actionTypeId: undefined as unknown as ActionTypeId } } : job)),
    acknowledgeJob: (jobId, nonce) => engine.acknowledgeJob(jobId, nonce),
    heartbeat: (jobId, nonce) => engine.heartbeat(jobId, nonce),
    appendJobLogs: (jobId, nonce, entries) => engine.appendJobLogs(jobId, nonce, entries),
    putJobSuccessResult: (jobId, result) => engine.putJobSuccessResult(jobId, result),
    putJobFailureResult: (jobId, failure) => engine.putJobFailureResult(jobId, failure),
    releaseJob: (jobId, nonce, reason) => engine.releaseJob(jobId, nonce, reason),
  };
  const worker = env.startWorker({ jobApi: api });
  const executionId = await env.start('loop-fails');
  expect(await env.finished('loop-fails', executionId)).toBe('Succeeded');
  const released = env.events.flatMap((event) => (event.type === 'JobReleased' && event.reason.startsWith('the worker failed to run it') ? [event] : []));
  expect(released).toHaveLength(1);
  // Requeued by the release (WorkerStopped), not by the dispatch lease running out (NotAcknowledged).
  const requeued = (await env.engines.store.readStream(`job-${released[0]!.jobId}`)).filter((event) => event.type === 'JobRequeued');
  expect(requeued.map((event) => (event.data as { reason: string }).reason)).toEqual(['WorkerStopped']);
  await worker.stop();
}, 60_000);
