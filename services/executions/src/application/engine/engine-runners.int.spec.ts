import type { ActionTypeId } from '@sluice/domain';
import type { Caller } from '../caller';
import { gridPipeline } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import { eventually } from '../../testing/eventually';
import { notExactlyOnce, storedOutcomes } from '../../testing/stored-outcomes';
import { startTestWorker, type TestWorker } from '../../testing/test-worker';

// Two engine instances on one PostgreSQL store (distributed mode): each decides against its own copy
// of the states and appends with expected revisions, so neither may apply a step the other applied.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const EXECUTIONS = 20;

let env: EngineTestEnvironment;
let engines: ExecutionsEngine[];
let workers: TestWorker[];

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  engines = [await env.startEngine({ instanceId: 'one' }), await env.startEngine({ instanceId: 'two' })];
  // Each worker talks to its own instance, so a job is dispatched by one and its result taken by either engine.
  workers = engines.map((engine, index) => startTestWorker(engine, { actionTypeIds: [commands], workerId: `worker-${index}`, pollWaitMs: 500 }));
});

afterAll(async () => {
  await Promise.all((workers ?? []).map((worker) => worker.stop()));
  await env?.stop();
});

it('two engines run 20 QUEUED executions to Succeeded, every action result recorded once', async () => {
  const declaration = { ...gridPipeline(2, 3, 'QUEUED'), name: 'shared' };
  const version = await env.publisher.publish(declaration);
  await Promise.all(engines.map((engine) => engine.pipelineCatalog.whenKnown({ account: 'acme', name: 'shared' }, version)));
  const started = Date.now();
  const ids = await Promise.all(
    Array.from({ length: EXECUTIONS }, async (_, i) => (await engines[i % 2]!.startPipelineExecution(alice, { name: 'shared' })).pipelineExecutionId),
  );
  await eventually(
    async () => (await Promise.all(ids.flatMap((id) => engines.map((engine) => engine.getPipelineExecution(alice, 'shared', id))))).every((execution) => execution.status === 'Succeeded'),
    async () => (await Promise.all(ids.map((id) => engines[0]!.getPipelineExecution(alice, 'shared', id)))).map((execution) => execution.status).join(', '),
    60_000,
  );
  const conflicts = engines.map((engine) => engine.diagnostics().conflicts);
  console.log(`two engines: ${EXECUTIONS} QUEUED executions of 2 x 3 actions in ${Date.now() - started} ms; appends refused for a concurrent writer: ${conflicts.join(' + ')}`);

  const outcomes = storedOutcomes(await env.eventsOf(''));
  expect(outcomes.actionResults.size).toBe(EXECUTIONS * 6);
  expect(notExactlyOnce(outcomes.actionResults)).toEqual([]);
  expect(notExactlyOnce(outcomes.jobResults)).toEqual([]);
  expect(notExactlyOnce(outcomes.jobsCreated)).toEqual([]);
  expect(new Set(outcomes.finalStatus.values())).toEqual(new Set(['Succeeded']));
  expect(workers.reduce((sum, worker) => sum + worker.accepted.length, 0)).toBe(EXECUTIONS * 6);
  // The instances did race: appends were refused and decided again on the other's events.
  expect(conflicts[0]! + conflicts[1]!).toBeGreaterThan(0);
  expect(env.errors).toEqual([]);
});
