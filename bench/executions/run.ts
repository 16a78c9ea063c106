/**
 * Executions benchmark: `npx tsx bench/executions/run.ts` (starts its own Kafka broker for the distributed
 * figures; `SLUICE_BENCH_KAFKA=skip` leaves them out). Everything runs in this process through the engine's
 * application API and job-worker API (no HTTP):
 *  (a) a pipeline of 3 stages x 4 parallel no-op actions, start -> Succeeded, median and p95 of 20 runs,
 *      embedded (PGlite in memory, in-process bus) and distributed (PostgreSQL store, Kafka bus);
 *  (b) the same pipeline with `true` as each command, run by a worker that spawns `bash -c true`, against
 *      spawning `bash -c true` 12 times in a loop in this process;
 *  (c) executions/s of 200 concurrent PARALLEL executions of that pipeline, embedded and on PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ActionTypeId, ExecutionMode, PipelineDeclaration } from '@sluice/domain';
import { InMemoryCheckpointStore, openEmbeddedEventStore, type EventStore } from '@sluice/eventing';
import { createKafkaBus, InProcessBus, startEventRelay, type Bus } from '@sluice/messaging';
import { testKafkaBusOptions } from '../../libs/messaging/src/kafka/test-kafka';
import { startKafkaBroker, type KafkaBroker } from '@sluice/testing';
import { createExecutionsEngine, type ExecutionsEngine } from '../../services/executions/src/executions-service';
import { gridPipeline } from '../../services/executions/src/domain/testing/fixtures';
import { PipelinePublisher } from '../../services/executions/src/testing/pipeline-publisher';
import { startTestWorker, type TestWorker } from '../../services/executions/src/testing/test-worker';
import { median, percentile, throwAwayPostgresStore } from '../eventing/bench-kit';

const RUNS = Number(process.env.SLUICE_BENCH_EXECUTION_RUNS ?? 20);
const CONCURRENT = Number(process.env.SLUICE_BENCH_CONCURRENT_EXECUTIONS ?? 200);
const caller = { account: 'acme', actor: 'bench' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded']);

/**
 * `bash -c <command>`, resolved on exit. Stdio is not a pipe: Node's pipes are socketpairs, and Debian's bash
 * takes a socket on stdin for an ssh session and sources ~/.bashrc (here: pyenv init, ~10 ms and a lock).
 */
function run(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bash -c ${command} exited with ${code}`))));
  });
}

interface Setup {
  engine: ExecutionsEngine;
  publish(declaration: PipelineDeclaration): Promise<void>;
  dispose(): Promise<void>;
}

/** Store, bus, the pipeline-events relay between them, and one engine: how a single executions node runs. */
async function startSetup(store: EventStore, bus: Bus, disposeStore: () => Promise<void>): Promise<Setup> {
  const relay = await startEventRelay({ store, checkpoints: new InMemoryCheckpointStore(), bus, subscriberId: `bench-${randomUUID()}`, streamPrefixes: ['pipeline-'] });
  const engine = await createExecutionsEngine({ store, bus });
  const publisher = new PipelinePublisher(store);
  return {
    engine,
    async publish(declaration) {
      const version = await publisher.publish(declaration);
      await engine.pipelineCatalog.whenKnown({ account: caller.account, name: declaration.name }, version);
    },
    async dispose() {
      await engine.stop();
      await relay.stop();
      await bus.close();
      await disposeStore();
    },
  };
}

const embedded = async (): Promise<Setup> => {
  const store = await openEmbeddedEventStore({ dataDir: 'memory' });
  return startSetup(store, new InProcessBus(), () => store.close());
};
const postgres = async (): Promise<Setup> => {
  const { store, dispose } = await throwAwayPostgresStore();
  return startSetup(store, new InProcessBus(), dispose);
};
const distributed = (broker: KafkaBroker) => async (): Promise<Setup> => {
  const { store, dispose } = await throwAwayPostgresStore();
  return startSetup(store, createKafkaBus(testKafkaBusOptions(broker.brokers, `bench-executions-${randomUUID().slice(0, 8)}`)), dispose);
};

/** Resolves when every execution has ended; checks every millisecond (the figure's resolution). */
async function ended(engine: ExecutionsEngine, name: string, ids: string[]): Promise<void> {
  for (;;) {
    if ((await Promise.all(ids.map((id) => engine.getPipelineExecution(caller, name, id)))).every((execution) => TERMINAL.has(execution.status))) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Milliseconds from startPipelineExecution to Succeeded, one execution at a time; the first two warm up. */
async function startToSucceeded(setup: Setup, name: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -2; i < runs; i++) {
    const started = performance.now();
    const { pipelineExecutionId } = await setup.engine.startPipelineExecution(caller, { name });
    await ended(setup.engine, name, [pipelineExecutionId]);
    const status = (await setup.engine.getPipelineExecution(caller, name, pipelineExecutionId)).status;
    if (status !== 'Succeeded') throw new Error(`run ${i} ended ${status}`);
    if (i >= 0) times.push(performance.now() - started);
  }
  return times;
}

/** A worker that answers every job at once, through the job API. */
const noOpWorker = (engine: ExecutionsEngine): TestWorker => startTestWorker(engine, { actionTypeIds: [commands], batchSize: 16, pollWaitMs: 1_000 });

/** A minimal Commands worker: poll, acknowledge, spawn `bash -c <command>`, report. */
function bashWorker(engine: ExecutionsEngine): { stop(): Promise<void> } {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      const jobs = await engine.pollForJobs(commands, 16, { waitMs: 1_000, signal: abort.signal });
      for (const job of jobs) {
        const work: Promise<void> = (async () => {
          await engine.acknowledgeJob(job.id, job.nonce);
          for (const command of job.data.commands) await run(command);
          await engine.putJobSuccessResult(job.id, {});
        })().finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function figureA(name: string, open: () => Promise<Setup>): Promise<{ median: number; p95: number }> {
  const setup = await open();
  const worker = noOpWorker(setup.engine);
  try {
    await setup.publish({ ...gridPipeline(3, 4), name: 'grid' });
    const times = await startToSucceeded(setup, 'grid', RUNS);
    const figure = { median: median(times), p95: percentile(times, 95) };
    console.log(`(a) ${name}: 3 x 4 no-op, start -> Succeeded: median ${figure.median.toFixed(1)} ms, p95 ${figure.p95.toFixed(1)} ms (${RUNS} runs)`);
    return figure;
  } finally {
    await worker.stop();
    await setup.dispose();
  }
}

async function figureB(): Promise<{ pipeline: number; loop: number; parallelLoop: number }> {
  const setup = await embedded();
  const worker = bashWorker(setup.engine);
  try {
    await setup.publish({ ...gridPipeline(3, 4), name: 'bash-true' });
    const pipeline = median(await startToSucceeded(setup, 'bash-true', RUNS));
    const loops: number[] = [];
    const parallelLoops: number[] = [];
    for (let i = -2; i < RUNS; i++) {
      let started = performance.now();
      for (let n = 0; n < 12; n++) await run('true');
      if (i >= 0) loops.push(performance.now() - started);
      started = performance.now();
      for (let s = 0; s < 3; s++) await Promise.all(Array.from({ length: 4 }, () => run('true')));
      if (i >= 0) parallelLoops.push(performance.now() - started);
    }
    const figure = { pipeline, loop: median(loops), parallelLoop: median(parallelLoops) };
    console.log(`(b) 3 x 4 actions running \`true\` through the engine and a bash worker: ${figure.pipeline.toFixed(1)} ms (median of ${RUNS})`);
    console.log(`    baseline: bash -c true x 12 in a loop: ${figure.loop.toFixed(1)} ms; 3 rounds of 4 at once: ${figure.parallelLoop.toFixed(1)} ms`);
    console.log(`    ratio pipeline / loop: ${(figure.pipeline / figure.loop).toFixed(2)}x; pipeline / same parallelism: ${(figure.pipeline / figure.parallelLoop).toFixed(2)}x`);
    return figure;
  } finally {
    await worker.stop();
    await setup.dispose();
  }
}

async function figureC(name: string, open: () => Promise<Setup>, mode: ExecutionMode = 'PARALLEL'): Promise<number> {
  const setup = await open();
  const worker = noOpWorker(setup.engine);
  try {
    const pipelineName = `concurrent-${mode.toLowerCase()}`;
    await setup.publish({ ...gridPipeline(3, 4, mode), name: pipelineName });
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: CONCURRENT }, async () => (await setup.engine.startPipelineExecution(caller, { name: pipelineName })).pipelineExecutionId));
    await ended(setup.engine, pipelineName, ids);
    const seconds = (performance.now() - started) / 1000;
    const succeeded = (await Promise.all(ids.map((id) => setup.engine.getPipelineExecution(caller, pipelineName, id)))).filter((execution) => execution.status === 'Succeeded').length;
    const rate = CONCURRENT / seconds;
    console.log(
      `(c) ${name}: ${CONCURRENT} concurrent ${mode} executions of 3 x 4 in ${seconds.toFixed(2)} s (${succeeded} Succeeded): ` +
        `${rate.toFixed(1)} executions/s, ${((CONCURRENT * 12) / seconds).toFixed(0)} actions/s, ${setup.engine.diagnostics().conflicts} append conflicts`,
    );
    return rate;
  } finally {
    await worker.stop();
    await setup.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`Executions benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await figureA('embedded (PGlite in memory + in-process bus)', embedded);
  await figureA('PostgreSQL + in-process bus', postgres);
  if (process.env.SLUICE_BENCH_KAFKA !== 'skip') {
    const broker = await startKafkaBroker();
    try {
      await figureA('distributed (PostgreSQL + Kafka)', distributed(broker));
    } finally {
      await broker.destroy();
    }
  }
  await figureB();
  await figureC('embedded', embedded);
  await figureC('PostgreSQL', postgres);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
