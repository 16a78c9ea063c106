import type { ActionTypeId, PipelineDeclaration } from '@sluice/domain';
import type { Caller } from '../caller';
import { commandsAction, gridPipeline, pipeline, stage } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import { eventually } from '../../testing/eventually';
import { notExactlyOnce, storedOutcomes } from '../../testing/stored-outcomes';
import { startTestWorker, type TestWorker } from '../../testing/test-worker';

// Distributed mode end to end: the PostgreSQL store, the relay carrying the pipelines service's events to
// the real Kafka broker of the jest globalSetup, and two engine instances reading them, each with its own
// catalog group and the transition feed shared and deduplicated in PostgreSQL (decision 0010).
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const EXECUTIONS = 10;
const TERMINAL = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];

let env: EngineTestEnvironment;
let engines: ExecutionsEngine[] = [];
let workers: TestWorker[] = [];

/** Appends the pipeline events and waits until both instances' catalogs have the version from Kafka. */
async function publish(declaration: PipelineDeclaration): Promise<number> {
  const version = await env.publisher.publish(declaration);
  await Promise.all(engines.map((engine) => engine.pipelineCatalog.whenKnown({ account: 'acme', name: declaration.name }, version, 30_000)));
  return version;
}

const statusOn = async (engine: ExecutionsEngine, pipelineName: string, executionId: string): Promise<string> => (await engine.getPipelineExecution(alice, pipelineName, executionId)).status;

beforeAll(async () => {
  const started = Date.now();
  env = await startEngineTestEnvironment({ bus: 'kafka' });
  engines = [await env.startEngine({ instanceId: 'one' }), await env.startEngine({ instanceId: 'two' })];
  workers = engines.map((engine, index) => startTestWorker(engine, { actionTypeIds: [commands], workerId: `worker-${index}`, pollWaitMs: 500 }));
  console.log(`Kafka environment (schema ${env.schema}, topic ${env.pipelineEventsTopic}, two engines joined): ${Date.now() - started} ms`);
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await env?.stop();
}, 60_000);

describe('executions engine on PostgreSQL and Kafka, two instances', () => {
  it(`publishes a pipeline over Kafka and runs ${EXECUTIONS} executions of 2 x 2 actions to Succeeded, every result recorded once`, async () => {
    const publishing = Date.now();
    await publish({ ...gridPipeline(2, 2, 'QUEUED'), name: 'kafka-grid' });
    const published = Date.now() - publishing;

    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: EXECUTIONS }, async (_, i) => (await engines[i % 2]!.startPipelineExecution(alice, { name: 'kafka-grid' })).pipelineExecutionId),
    );
    await eventually(
      async () => (await Promise.all(ids.flatMap((id) => engines.map((engine) => statusOn(engine, 'kafka-grid', id))))).every((status) => status === 'Succeeded'),
      async () => (await Promise.all(ids.map((id) => statusOn(engines[0]!, 'kafka-grid', id)))).join(', '),
      60_000,
    );
    console.log(
      `Kafka: pipeline version reached both catalogs in ${published} ms; ${EXECUTIONS} QUEUED executions of 2 x 2 actions Succeeded in ${Date.now() - started} ms; ` +
        `appends refused for a concurrent writer: ${engines.map((engine) => engine.diagnostics().conflicts).join(' + ')}`,
    );

    const outcomes = storedOutcomes(await env.eventsOf(''));
    expect(outcomes.actionResults.size).toBe(EXECUTIONS * 4);
    expect(notExactlyOnce(outcomes.actionResults)).toEqual([]);
    expect(notExactlyOnce(outcomes.jobResults)).toEqual([]);
    expect(notExactlyOnce(outcomes.jobsCreated)).toEqual([]);
    expect([...outcomes.finalStatus.values()]).toEqual(Array.from({ length: EXECUTIONS }, () => 'Succeeded'));
    expect(workers.reduce((sum, worker) => sum + worker.accepted.length, 0)).toBe(EXECUTIONS * 4);
    expect(env.errors).toEqual([]);
  });

  it('holds a new execution at a transition disabled over Kafka and promotes it once it is enabled', async () => {
    await publish(pipeline([stage('Build', [commandsAction('Compile'), commandsAction('Lint')]), stage('Deploy', [commandsAction('Ship'), commandsAction('Smoke')])], { name: 'kafka-held' }));
    const deployTransition = async (engine: ExecutionsEngine) =>
      (await engine.getPipelineState(alice, 'kafka-held')).stageStates.find((candidate) => candidate.stageName === 'Deploy')?.inboundTransitionState;

    const disabling = Date.now();
    await env.publisher.disableStageTransition('kafka-held', 'Deploy', 'change freeze');
    await eventually(
      async () => (await Promise.all(engines.map(deployTransition))).every((transition) => transition?.enabled === false),
      async () => `transition states: ${JSON.stringify(await Promise.all(engines.map(deployTransition)))}`,
      30_000,
    );
    const disabled = Date.now() - disabling;

    const { pipelineExecutionId } = await engines[1]!.startPipelineExecution(alice, { name: 'kafka-held' });
    await eventually(
      async () => (await Promise.all(engines.map((engine) => engine.getPipelineState(alice, 'kafka-held')))).every((state) => state.stageStates[0]?.latestExecution?.status === 'Succeeded'),
      () => 'Build did not succeed',
      30_000,
    );
    // Both instances reconcile it: long enough for either to have (wrongly) admitted it into Deploy.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const engine of engines) {
      expect(await statusOn(engine, 'kafka-held', pipelineExecutionId)).toBe('InProgress');
      expect((await engine.getPipelineState(alice, 'kafka-held')).stageStates[1]).toMatchObject({
        latestExecution: null,
        inboundTransitionState: { enabled: false, disabledReason: 'change freeze' },
      });
    }

    const enabling = Date.now();
    await env.publisher.enableStageTransition('kafka-held', 'Deploy');
    let status = '';
    await eventually(
      async () => (await Promise.all(engines.map((engine) => statusOn(engine, 'kafka-held', pipelineExecutionId)))).every((statusOfEngine) => TERMINAL.includes((status = statusOfEngine))),
      () => `${pipelineExecutionId} is ${status}`,
      30_000,
    );
    console.log(`Kafka: transition disabled on both instances in ${disabled} ms; enable -> held execution Succeeded in ${Date.now() - enabling} ms`);
    expect(await Promise.all(engines.map((engine) => statusOn(engine, 'kafka-held', pipelineExecutionId)))).toEqual(['Succeeded', 'Succeeded']);

    const lanes = (await env.eventsOf('lanes-')).map((event) => event.type);
    expect(lanes.filter((type) => type === 'InboundTransitionDisabled')).toHaveLength(1);
    expect(lanes.filter((type) => type === 'InboundTransitionEnabled')).toHaveLength(1);
    const outcomes = storedOutcomes(await env.eventsOf(`execution-${pipelineExecutionId}`));
    expect([...outcomes.actionResults.values()]).toEqual([1, 1, 1, 1]);
    expect(env.errors).toEqual([]);
  });
});
