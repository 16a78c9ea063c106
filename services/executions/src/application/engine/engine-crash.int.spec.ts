import type { ActionTypeId } from '@sluice/domain';
import { evolveExecution, initialExecutionState } from '../../domain';
import { type ExecutionEvent } from '@sluice/contracts';
import type { Caller } from '../caller';
import { gridPipeline } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineProcess, type EngineProcess } from '../../testing/engine-process-handle';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import { eventually } from '../../testing/eventually';
import { notExactlyOnce, storedOutcomes } from '../../testing/stored-outcomes';
import { startTestWorker, type TestWorker } from '../../testing/test-worker';

// The engine runs in a child process that is kill -9'd mid-flight; a new one on the same store must
// finish every execution from what the store holds, applying each action's result exactly once.
// This process is an API node (no runner) and the worker: it starts executions and answers jobs.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const EXECUTIONS = 50;
const ACTIONS = EXECUTIONS * 2 * 2;

let env: EngineTestEnvironment;
let api: ExecutionsEngine;
let worker: TestWorker;
const processes: EngineProcess[] = [];

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  api = await env.startEngine({ runEngine: false });
  worker = startTestWorker(api, { actionTypeIds: [commands], plan: () => ({ kind: 'succeed', delayMs: 20 }), batchSize: 5, pollWaitMs: 500 });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all(processes.map((engineProcess) => engineProcess.kill()));
  await env?.stop();
});

it('finishes all 50 executions after the engine process was killed mid-flight, each result recorded once', async () => {
  const first = await startEngineProcess(env.schema);
  processes.push(first);
  const version = await env.publisher.publish({ ...gridPipeline(2, 2, 'PARALLEL'), name: 'crash' });
  await api.pipelineCatalog.whenKnown({ account: 'acme', name: 'crash' }, version);
  const ids = await Promise.all(Array.from({ length: EXECUTIONS }, async () => (await api.startPipelineExecution(alice, { name: 'crash' })).pipelineExecutionId));

  await eventually(
    () => worker.accepted.length >= ACTIONS / 4,
    () => `${worker.accepted.length} results so far`,
  );
  await first.kill();
  const appliedAtKill = storedOutcomes(await env.eventsOf('')).actionResults.size;
  console.log(`engine killed (kill -9) after ${appliedAtKill} of ${ACTIONS} action results were applied (${worker.accepted.length} accepted from the worker)`);
  expect(appliedAtKill).toBeGreaterThan(0);
  expect(appliedAtKill).toBeLessThan(ACTIONS);

  const restarted = Date.now();
  processes.push(await startEngineProcess(env.schema));
  await eventually(
    async () => (await Promise.all(ids.map((id) => api.getPipelineExecution(alice, 'crash', id)))).every((execution) => execution.status === 'Succeeded'),
    async () => `${(await Promise.all(ids.map((id) => api.getPipelineExecution(alice, 'crash', id)))).filter((execution) => execution.status === 'Succeeded').length} of ${EXECUTIONS} succeeded`,
    60_000,
  );
  console.log(`the restarted engine finished the ${EXECUTIONS} executions ${Date.now() - restarted} ms after its start`);

  const stored = await env.eventsOf('');
  const outcomes = storedOutcomes(stored);
  expect(outcomes.actionResults.size).toBe(ACTIONS);
  expect(notExactlyOnce(outcomes.actionResults)).toEqual([]);
  expect(notExactlyOnce(outcomes.jobResults)).toEqual([]);
  expect(notExactlyOnce(outcomes.jobsCreated)).toEqual([]);
  // Every result the worker was told was accepted is in the store: nothing acknowledged was lost.
  expect(new Set(worker.accepted)).toEqual(new Set(outcomes.jobResults.keys()));
  // No event lost between the store and a reader: each execution folded from its stream alone is what the API node holds.
  for (const id of ids) {
    const streamEvents = stored.filter((event) => event.streamId === `execution-${id}`);
    expect(streamEvents.map((event) => event.revision)).toEqual(streamEvents.map((_, index) => BigInt(index)));
    const folded = streamEvents.map((event) => ({ type: event.type, data: event.data }) as ExecutionEvent).reduce(evolveExecution, initialExecutionState);
    expect(folded.status).toBe('Succeeded');
    expect((await api.getPipelineExecution(alice, 'crash', id)).lastUpdateTime).toBe(folded.status === 'Succeeded' ? folded.run.lastUpdatedAt : null);
  }
  expect(env.errors).toEqual([]);
});
