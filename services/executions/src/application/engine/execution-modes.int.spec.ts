import type { ActionTypeId, ExecutionMode } from '@sluice/domain';
import type { Caller } from '../caller';
import type { LanesEvent } from '@sluice/contracts';
import { gridPipeline } from '../../domain/testing/fixtures';
import { entryOrder, maxOccupancy } from '../../domain/testing/simulation-helpers';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import { eventually } from '../../testing/eventually';
import { notExactlyOnce, storedOutcomes } from '../../testing/stored-outcomes';
import { startTestWorker, type TestWorker } from '../../testing/test-worker';

// 200 executions of one pipeline started at once, in each execution mode, on the real store.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
// Enough to overtake and queue many times over; bench/executions measures 200 at once.
const EXECUTIONS = 80;

let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let worker: TestWorker;

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  engine = await env.startEngine();
  worker = startTestWorker(engine, { actionTypeIds: [commands], batchSize: 20, pollWaitMs: 500 });
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

interface Run {
  statuses: Map<string, string>;
  lanes: LanesEvent[];
  /** Lanes sequence per execution: the order the pipeline saw them arrive. */
  sequence: Map<string, number>;
}

async function runConcurrently(mode: ExecutionMode): Promise<Run> {
  const name = `modes-${mode.toLowerCase()}`;
  const version = await env.publisher.publish({ ...gridPipeline(2, 1, mode), name });
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name }, version);
  const started = Date.now();
  const ids = await Promise.all(Array.from({ length: EXECUTIONS }, async () => (await engine.startPipelineExecution(alice, { name })).pipelineExecutionId));
  const ended = async () => (await Promise.all(ids.map((id) => engine.getPipelineExecution(alice, name, id)))).filter((execution) => ['Succeeded', 'Failed', 'Stopped', 'Superseded'].includes(execution.status)).length;
  await eventually(
    async () => (await ended()) === EXECUTIONS,
    async () => `${await ended()} of ${EXECUTIONS} ended`,
    60_000,
  );
  const statuses = new Map(await Promise.all(ids.map(async (id) => [id, (await engine.getPipelineExecution(alice, name, id)).status] as const)));
  const counts = [...statuses.values()].reduce<Record<string, number>>((all, status) => ({ ...all, [status]: (all[status] ?? 0) + 1 }), {});
  console.log(`${mode}: ${EXECUTIONS} executions of 2 stages x 1 action ended in ${Date.now() - started} ms: ${JSON.stringify(counts)}`);

  const events = await env.eventsOf('');
  const lanes = events.filter((event) => event.streamId === `lanes-acme.${name}`).map((event) => ({ type: event.type, data: event.data }) as LanesEvent);
  const sequence = new Map(lanes.flatMap((event) => (event.type === 'ExecutionArrivedAtStage' ? [[event.data.executionId, event.data.sequence] as const] : [])));
  const outcomes = storedOutcomes(events.filter((event) => ids.some((id) => event.streamId.includes(id))));
  expect(notExactlyOnce(outcomes.actionResults)).toEqual([]);
  expect(notExactlyOnce(outcomes.jobResults)).toEqual([]);
  return { statuses, lanes, sequence };
}

describe(`${EXECUTIONS} concurrent executions of one pipeline`, () => {
  it('SUPERSEDED: a newer execution overtakes the older ones waiting, the newest always succeeds', async () => {
    const run = await runConcurrently('SUPERSEDED');
    const statuses = new Set(run.statuses.values());
    expect([...statuses].every((status) => status === 'Succeeded' || status === 'Superseded')).toBe(true);
    expect(statuses.has('Superseded')).toBe(true);
    const newest = [...run.sequence].sort((a, b) => b[1] - a[1])[0]![0];
    expect(run.statuses.get(newest)).toBe('Succeeded');
    for (const event of run.lanes) {
      if (event.type === 'WaitingExecutionSuperseded') expect(run.sequence.get(event.data.supersededBy)!).toBeGreaterThan(run.sequence.get(event.data.executionId)!);
    }
    expect([maxOccupancy(run.lanes, 'Stage1'), maxOccupancy(run.lanes, 'Stage2')]).toEqual([1, 1]);
  });

  it('QUEUED: every execution succeeds, one at a time per stage, in arrival order', async () => {
    const run = await runConcurrently('QUEUED');
    expect(new Set(run.statuses.values())).toEqual(new Set(['Succeeded']));
    const arrivalOrder = [...run.sequence].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(entryOrder(run.lanes, 'Stage1')).toEqual(arrivalOrder);
    expect(entryOrder(run.lanes, 'Stage2')).toEqual(arrivalOrder);
    expect([maxOccupancy(run.lanes, 'Stage1'), maxOccupancy(run.lanes, 'Stage2')]).toEqual([1, 1]);
  });

  it('PARALLEL: every execution succeeds, independently of the others', async () => {
    const run = await runConcurrently('PARALLEL');
    expect(new Set(run.statuses.values())).toEqual(new Set(['Succeeded']));
    expect(maxOccupancy(run.lanes, 'Stage1')).toBeGreaterThan(1);
  });

  it('reported no engine error', () => {
    expect(env.errors).toEqual([]);
  });
});
