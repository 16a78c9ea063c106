import { readdir } from 'node:fs/promises';
import { BUILD_COMMANDS, type ActionDeclaration, type ActionTypeId } from '@sluice/domain';
import { eventually } from '@sluice/executions/testing';
import type { JobApi } from '../job-api/job-api';
import { processesMarked, processMarker } from '../providers/testing/process-marker';
import { alice, WorkerTestEnvironment } from './testing/worker-test-environment';

// The job loop against the executions engine on PostgreSQL: slots, stop, lost leases and poll failures.
const build: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const test: ActionTypeId = { ...build, category: 'Test' };
const commands = (name: string, lines: string[], extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({ name, actionTypeId: build, commands: lines, ...extra });

let env: WorkerTestEnvironment;

beforeAll(async () => {
  env = await WorkerTestEnvironment.start();
});

afterAll(async () => {
  await env?.stop();
});

/** Most intervals open at one instant; an interval ending when another starts does not overlap it. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([start, end]): Array<[number, number]> => [[start, 1], [end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (open += delta));
  return most;
}

describe('the worker loop', () => {
  it('never runs more jobs at once than its concurrency, across action types', async () => {
    const timed = ['start=$(date +%s%3N)', 'sleep 0.6', 'echo "START=$start" >> "$SLUICE_OUTPUT_VARIABLES"', 'echo "END=$(date +%s%3N)" >> "$SLUICE_OUTPUT_VARIABLES"'];
    const actions = [1, 2, 3].flatMap((n) => [commands(`Build${n}`, timed), { ...commands(`Test${n}`, timed), actionTypeId: test }]);
    await env.publish({ name: 'six', stages: [{ name: 'Parallel', actions }] });
    const worker = env.startWorker({ concurrency: 2 });
    const executionId = await env.start('six');
    const started = Date.now();
    expect(await env.finished('six', executionId)).toBe('Succeeded');
    const elapsed = Date.now() - started;

    const intervals = (await env.actionExecutions('six', executionId)).map((detail): [number, number] => [Number(detail.output.outputVariables['START']), Number(detail.output.outputVariables['END'])]);
    expect(intervals).toHaveLength(6);
    expect(intervals.every(([start, end]) => end - start >= 600)).toBe(true);
    expect(maxOverlap(intervals)).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 600);
    console.log(`6 jobs of 0.6 s, concurrency 2, two action types: ${elapsed} ms, at most ${maxOverlap(intervals)} at once`);

    const stopping = Date.now();
    await worker.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });

  it('starts the four actions of a stage together when four slots are free, whatever other types it serves', async () => {
    const timed = ['start=$(date +%s%3N)', 'sleep 0.8', 'echo "START=$start" >> "$SLUICE_OUTPUT_VARIABLES"', 'echo "END=$(date +%s%3N)" >> "$SLUICE_OUTPUT_VARIABLES"'];
    await env.publish({ name: 'four', stages: [{ name: 'Parallel', actions: [1, 2, 3, 4].map((n) => commands(`Build${n}`, timed)) }] });
    // The worker serves every built-in type (Git, Upload, Directory, Http, Commands of each category…): only Build has work.
    // When each job reached the worker (the engine in-process, its polls watched).
    const received: number[] = [];
    const engine = env.jobApi;
    const watched: JobApi = {
      ...engine,
      pollForJobs: async (...args) => engine.pollForJobs(...args).then((jobs) => (jobs.forEach(() => received.push(performance.now())), jobs)),
      pollForAnyJobs: async (...args) => engine.pollForAnyJobs!(...args).then((jobs) => (jobs.forEach(() => received.push(performance.now())), jobs)),
      acknowledgeJob: (...args) => engine.acknowledgeJob(...args),
      heartbeat: (...args) => engine.heartbeat(...args),
      putJobSuccessResult: (...args) => engine.putJobSuccessResult(...args),
      putJobFailureResult: (...args) => engine.putJobFailureResult(...args),
      appendJobLogs: (...args) => engine.appendJobLogs(...args),
    };
    const worker = env.startWorker({ concurrency: 4, jobApi: watched });
    const executionId = await env.start('four');
    expect(await env.finished('four', executionId)).toBe('Succeeded');
    const intervals = (await env.actionExecutions('four', executionId)).map((detail): [number, number] => [Number(detail.output.outputVariables['START']), Number(detail.output.outputVariables['END'])]);
    expect(intervals).toHaveLength(4);
    // All four ran at once (one after another, or two by two, they could not overlap four deep).
    expect(maxOverlap(intervals)).toBe(4);
    const starts = intervals.map(([start]) => start);
    // Handed to the worker together: one poll for as many jobs as free slots, not one type's turn at a time.
    expect(received).toHaveLength(4);
    const handedWithinMs = Math.max(...received) - Math.min(...received);
    expect(handedWithinMs).toBeLessThan(150);
    console.log(`4 actions of one stage, concurrency 4: handed to the worker within ${handedWithinMs.toFixed(0)} ms, started within ${Math.max(...starts) - Math.min(...starts)} ms`);
    await worker.stop();
  });

  it('takes a job from the engine in one step, reports its result, then removes its workspace (decision 0060)', async () => {
    await env.publish({ name: 'claimed', stages: [{ name: 'Build', actions: [commands('One', ['echo one'])] }] });
    const engine = env.jobApi;
    const acknowledged: string[] = [];
    const workspacesAtResult: string[][] = [];
    const watched: JobApi = {
      ...engine,
      pollForJobs: (...args) => engine.pollForJobs(...args),
      pollForAnyJobs: (...args) => engine.pollForAnyJobs!(...args),
      acknowledgeJob: (jobId, nonce) => (acknowledged.push(jobId), engine.acknowledgeJob(jobId, nonce)),
      heartbeat: (...args) => engine.heartbeat(...args),
      putJobSuccessResult: async (jobId, result) => {
        workspacesAtResult.push(await readdir(env.workspaceRoot));
        return engine.putJobSuccessResult(jobId, result);
      },
      putJobFailureResult: (...args) => engine.putJobFailureResult(...args),
      appendJobLogs: (...args) => engine.appendJobLogs(...args),
    };
    const worker = env.startWorker({ jobApi: watched });
    const executionId = await env.start('claimed');
    expect(await env.finished('claimed', executionId)).toBe('Succeeded');
    await eventually(() => worker.runningJobs().length === 0, () => `still running: ${worker.runningJobs().join(', ')}`);
    expect(acknowledged).toEqual([]);
    const jobFolder = (names: string[]) => names.filter((name) => name.startsWith('job-'));
    expect(jobFolder(workspacesAtResult[0]!)).toHaveLength(1);
    expect(jobFolder(await readdir(env.workspaceRoot))).toEqual([]);
    await worker.stop();
  });

  it('acknowledges a job its job API handed out unacknowledged (a job API over the job protocol)', async () => {
    await env.publish({ name: 'unclaimed', stages: [{ name: 'Build', actions: [commands('One', ['echo one'])] }] });
    const engine = env.jobApi;
    const acknowledged: string[] = [];
    const protocol: JobApi = {
      ...engine,
      pollForJobs: (type, max, options) => engine.pollForJobs(type, max, { ...options, claim: false }),
      pollForAnyJobs: (types, max, options) => engine.pollForAnyJobs!(types, max, { ...options, claim: false }),
      acknowledgeJob: (jobId, nonce) => (acknowledged.push(jobId), engine.acknowledgeJob(jobId, nonce)),
      heartbeat: (...args) => engine.heartbeat(...args),
      putJobSuccessResult: (...args) => engine.putJobSuccessResult(...args),
      putJobFailureResult: (...args) => engine.putJobFailureResult(...args),
      appendJobLogs: (...args) => engine.appendJobLogs(...args),
    };
    const worker = env.startWorker({ jobApi: protocol });
    const executionId = await env.start('unclaimed');
    expect(await env.finished('unclaimed', executionId)).toBe('Succeeded');
    expect(acknowledged).toHaveLength(1);
    await worker.stop();
  });

  it('a claim nobody acts on (the poll\'s answer lost) goes back on the queue when the dispatch lease ends, not the heartbeat lease', async () => {
    await env.publish({ name: 'claim-lost', stages: [{ name: 'Build', actions: [commands('One', ['echo one'])] }] });
    const engine = env.jobApi;
    // The first job the engine claims never reaches the loop, as an answer lost on its way.
    let lost: string | undefined;
    const losing: JobApi = {
      ...engine,
      pollForJobs: (...args) => engine.pollForJobs(...args),
      pollForAnyJobs: async (...args) => {
        const jobs = await engine.pollForAnyJobs!(...args);
        if (lost !== undefined || jobs.length === 0) return jobs;
        lost = jobs[0]!.id;
        return jobs.slice(1);
      },
      acknowledgeJob: (...args) => engine.acknowledgeJob(...args),
      heartbeat: (...args) => engine.heartbeat(...args),
      putJobSuccessResult: (...args) => engine.putJobSuccessResult(...args),
      putJobFailureResult: (...args) => engine.putJobFailureResult(...args),
      appendJobLogs: (...args) => engine.appendJobLogs(...args),
    };
    const worker = env.startWorker({ jobApi: losing });
    const executionId = await env.start('claim-lost');
    expect(await env.finished('claim-lost', executionId)).toBe('Succeeded');
    const events = await env.engines.store.readStream(`job-${lost!}`);
    const at = (type: string) => Date.parse((events.find((event) => event.type === type)!.data as { at: string }).at);
    expect(events.map((event) => event.type)).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged', 'JobRequeued', 'JobDispatched', 'JobAcknowledged', 'JobSucceeded']);
    // The environment's dispatch lease is 5 s, its heartbeat lease 10 s.
    const heldMs = at('JobRequeued') - at('JobDispatched');
    expect(heldMs).toBeGreaterThanOrEqual(5_000);
    expect(heldMs).toBeLessThan(8_000);
    await worker.stop();
  }, 60_000);

  it('sends a claimed job\'s first heartbeat before the dispatch lease ends, whatever its heartbeat interval', async () => {
    // 7 s of work: past the 5-s dispatch lease the claim holds until the first heartbeat, within the 10-s heartbeat lease.
    await env.publish({ name: 'claim-beats', stages: [{ name: 'Build', actions: [commands('Long', ['sleep 7', 'echo done'])] }] });
    const worker = env.startWorker({ heartbeatIntervalMs: 20_000 });
    const executionId = await env.start('claim-beats');
    expect(await env.finished('claim-beats', executionId)).toBe('Succeeded');
    const [started] = env.events.flatMap((event) => (event.type === 'JobStarted' && event.pipelineExecutionId === executionId ? [event] : []));
    const types = (await env.engines.store.readStream(`job-${started!.jobId}`)).map((event) => event.type);
    // One run: acknowledged by the claim, kept by the first heartbeat (not requeued when the dispatch lease ended).
    expect(types.filter((type) => type !== 'JobHeartbeatRecorded')).toEqual(['JobCreated', 'JobDispatched', 'JobAcknowledged', 'JobSucceeded']);
    expect(types.filter((type) => type === 'JobHeartbeatRecorded')).toHaveLength(1);
    await worker.stop();
  }, 60_000);

  it('on stop, lets a running job finish within the grace', async () => {
    await env.publish({ name: 'graceful', stages: [{ name: 'Build', actions: [commands('Slow', ['echo started', 'sleep 1', 'echo finished'])] }] });
    const worker = env.startWorker();
    const executionId = await env.start('graceful');
    await env.logged(executionId, 'started');
    await worker.stop({ graceMs: 10_000 });
    expect(await env.finished('graceful', executionId)).toBe('Succeeded');
    expect(worker.runningJobs()).toEqual([]);
    await expect(worker.done).resolves.toBeUndefined();
  });

  it('on stop, aborts a job that outlives the grace: kills its process tree and reports it failed', async () => {
    const marker = processMarker();
    await env.publish({
      name: 'endless',
      stages: [{ name: 'Build', actions: [commands('Forever', [`(exec -a ${marker}-child sleep 300) &`, 'echo started', `exec -a ${marker}-shell sleep 300`])] }],
    });
    const worker = env.startWorker();
    const executionId = await env.start('endless');
    await env.logged(executionId, 'started');

    const stopping = Date.now();
    await worker.stop({ graceMs: 300 });
    const stopMs = Date.now() - stopping;
    console.log(`stop with a 300 ms grace and a 500 ms kill grace, while a command runs: ${stopMs} ms`);
    expect(stopMs).toBeLessThan(5_000);

    expect(await processesMarked(marker)).toEqual([]);
    expect(await env.finished('endless', executionId)).toBe('Failed');
    const action = (await env.actionExecutions('endless', executionId))[0];
    expect(action?.status).toBe('Failed');
    expect(action?.output.executionResult.errorDetails).toMatch(/The worker .* stopped before the job finished\. Commands was stopped/);
    expect(await readdir(env.workspaceRoot)).toEqual([]);
  });

  it('aborts a job whose heartbeat the service refuses, and reports nothing for it', async () => {
    const marker = processMarker();
    await env.publish({
      name: 'abandoned',
      stages: [{ name: 'Build', actions: [commands('Long', [`(exec -a ${marker}-child sleep 300) &`, 'echo started', 'wait'])] }],
    });
    const worker = env.startWorker({ heartbeatIntervalMs: 200 });
    const executionId = await env.start('abandoned');
    const jobId = await env.logged(executionId, 'started');

    await env.engine.stopPipelineExecution(alice, { pipelineName: 'abandoned', pipelineExecutionId: executionId, abandon: true, reason: 'not needed' });
    await eventually(
      () => env.events.some((event) => event.type === 'JobLost' && event.jobId === jobId),
      () => `job ${jobId} was not given up`,
      10_000,
    );
    // Its slot is free once its workspace is removed, which comes after the job ends (decision 0060).
    await eventually(() => worker.runningJobs().length === 0, () => `still running: ${worker.runningJobs().join(', ')}`);
    expect(await processesMarked(marker)).toEqual([]);
    expect((await env.engine.getPipelineExecution(alice, 'abandoned', executionId)).status).toBe('Stopped');
    const jobEvents = (await env.engines.store.readStream(`job-${jobId}`)).map((event) => event.type);
    expect(jobEvents).toContain('JobCancelled');
    expect(jobEvents.filter((type) => type === 'JobSucceeded' || type === 'JobFailed')).toEqual([]);
    await worker.stop();
  });

  it('backs off after failed polls and carries on', async () => {
    let failuresLeft = 3;
    const engine = env.jobApi;
    const unreachableAtFirst: JobApi = {
      async pollForJobs(actionTypeId, maxBatchSize, options) {
        if (failuresLeft-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:4000');
        return engine.pollForJobs(actionTypeId, maxBatchSize, options);
      },
      acknowledgeJob: (jobId, nonce) => engine.acknowledgeJob(jobId, nonce),
      heartbeat: (jobId, nonce) => engine.heartbeat(jobId, nonce),
      putJobSuccessResult: (jobId, result) => engine.putJobSuccessResult(jobId, result),
      putJobFailureResult: (jobId, failure) => engine.putJobFailureResult(jobId, failure),
      appendJobLogs: (jobId, nonce, entries) => engine.appendJobLogs(jobId, nonce, entries),
    };
    await env.publish({ name: 'patient', stages: [{ name: 'Build', actions: [commands('Quick', ['echo ok'])] }] });
    const before = env.events.length;
    const worker = env.startWorker({ jobApi: unreachableAtFirst, actionTypes: [BUILD_COMMANDS.id], pollBackoff: { initialMs: 40, maxMs: 1_000 } });
    const executionId = await env.start('patient');
    expect(await env.finished('patient', executionId)).toBe('Succeeded');
    await worker.stop();

    const failed = env.events.slice(before).flatMap((event) => (event.type === 'PollFailed' ? [event] : []));
    expect(failed.map((event) => event.actionType)).toEqual(['Build/Sluice/Commands/1', 'Build/Sluice/Commands/1', 'Build/Sluice/Commands/1']);
    // Doubling from 40 ms, each with up to half of it taken off as jitter.
    failed.forEach((event, n) => {
      expect(event.retryInMs).toBeGreaterThanOrEqual(20 * 2 ** n);
      expect(event.retryInMs).toBeLessThanOrEqual(40 * 2 ** n);
    });
  });
});
