/**
 * Replay benchmark: `npx tsx bench/replay/run.ts`. Builds, with the real engine on a throw-away PostgreSQL schema
 * (`SLUICE_BENCH_REPLAY_STORE=embedded`: PGlite in memory), one pipeline's history of ~10,000 events (definition
 * updates between batches of PARALLEL executions of 3 stages x 2 actions, answered by a no-op worker), then times
 * the as-of queries (docs/decisions/0022) at a late and a mid instant against the live queries they replay:
 *   pipelineAsOf      (reads the pipeline's stream, folds it)            vs getPipeline      (in-memory read model)
 *   pipelineStateAsOf (scans $all, folds the pipeline's streams)         vs getPipelineState (in-memory read model)
 *   executionAsOf     (reads one execution's stream, folds it)           vs getPipelineExecution + listActionExecutions
 * Each figure is the median of SLUICE_BENCH_REPLAY_ROUNDS (default 15) calls after 2 warm-ups.
 */
import { randomUUID } from 'node:crypto';
import { InMemoryCheckpointStore, openEmbeddedEventStore, scanStreams, type EventStore } from '@sluice/eventing';
import { InProcessBus, startEventRelay } from '@sluice/messaging';
import type { ActionTypeId } from '@sluice/domain';
import { PipelineAsOfQueries } from '../../services/pipelines/src/application/pipeline-as-of';
import { PipelineQueries } from '../../services/pipelines/src/application/pipeline-queries';
import { PipelinesProjection } from '../../services/pipelines/src/projections/pipelines-projection';
import { ExecutionAsOfQueries } from '../../services/executions/src/application/execution-as-of';
import { createExecutionsEngine } from '../../services/executions/src/executions-service';
import { gridPipeline } from '../../services/executions/src/domain/testing/fixtures';
import { PipelinePublisher } from '../../services/executions/src/testing/pipeline-publisher';
import { startTestWorker } from '../../services/executions/src/testing/test-worker';
import { median, throwAwayPostgresStore } from '../eventing/bench-kit';

const TARGET_EVENTS = Number(process.env.SLUICE_BENCH_REPLAY_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.SLUICE_BENCH_REPLAY_ROUNDS ?? 15);
const BATCH = 10;
const caller = { account: 'acme', actor: 'bench' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openStore(): Promise<{ store: EventStore; name: string; dispose(): Promise<void> }> {
  if (process.env.SLUICE_BENCH_REPLAY_STORE === 'embedded') {
    const store = await openEmbeddedEventStore({ dataDir: 'memory' });
    return { store, name: 'embedded (PGlite, memory)', dispose: () => store.close() };
  }
  const { store, dispose } = await throwAwayPostgresStore();
  return { store, name: 'PostgreSQL', dispose };
}

async function countEvents(store: EventStore): Promise<number> {
  let count = 0;
  for (let from: bigint | 'start' = 'start'; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
    count += page.length;
    if (page.length < 5_000) return count;
    from = page[page.length - 1]!.position + 1n;
  }
}

/** Median milliseconds of `ROUNDS` calls after two warm-ups. */
async function time(call: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = -2; i < ROUNDS; i++) {
    const started = performance.now();
    await call();
    if (i >= 0) times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { store, name: storeName, dispose } = await openStore();
  const bus = new InProcessBus();
  const relay = await startEventRelay({ store, checkpoints: new InMemoryCheckpointStore(), bus, subscriberId: `bench-${randomUUID()}`, streamPrefixes: ['pipeline-'] });
  const engine = await createExecutionsEngine({ store, bus });
  const worker = startTestWorker(engine, { actionTypeIds: [commands], batchSize: 16, pollWaitMs: 1_000 });
  const publisher = new PipelinePublisher(store, caller.account, caller.actor);
  const pipelines = new PipelinesProjection(store);
  await pipelines.start();
  try {
    // The history: a definition update, then a batch of executions, until the store holds TARGET_EVENTS.
    const built = performance.now();
    let events = 0;
    let updates = 0;
    let executions = 0;
    let lastExecution = '';
    let midInstant = '';
    while (events < TARGET_EVENTS) {
      const version = await publisher.publish({ ...gridPipeline(3, 2 + (updates % 2), 'PARALLEL'), name: 'history' });
      updates += 1;
      await engine.pipelineCatalog.whenKnown({ account: caller.account, name: 'history' }, version);
      const ids = await Promise.all(Array.from({ length: BATCH }, async () => (await engine.startPipelineExecution(caller, { name: 'history' })).pipelineExecutionId));
      while (!(await Promise.all(ids.map((id) => engine.getPipelineExecution(caller, 'history', id)))).every((execution) => TERMINAL.has(execution.status))) await sleep(2);
      executions += BATCH;
      lastExecution = ids[0]!;
      events = await countEvents(store);
      if (!midInstant && events >= TARGET_EVENTS / 2) {
        await sleep(2);
        midInstant = new Date().toISOString();
        await sleep(2);
      }
    }
    await sleep(500); // lanes releases after the last executions ended
    await worker.stop();
    events = await countEvents(store);
    const lateInstant = new Date().toISOString();
    // The last execution started before the mid instant: in progress or just finished then.
    const midExecution = (await store.readAll({ maxCount: 100_000 }))
      .filter((e) => e.type === 'PipelineExecutionStarted' && e.metadata.occurredAt < midInstant)
      .pop()
      ?.streamId.slice('execution-'.length);
    console.log(
      `history on ${storeName}: ${events.toLocaleString('en-US')} events (${updates} definition versions, ${executions} executions) built in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );

    const pipelineAsOf = new PipelineAsOfQueries(store, () => new Date());
    const liveGetPipeline = new PipelineQueries(() => pipelines.pipelines);
    const asOf = new ExecutionAsOfQueries(store, () => new Date());
    const pipelineStream = (await store.readStream(`pipeline-${caller.account}.history`)).length;
    const executionStream = (await store.readStream(`execution-${lastExecution}`)).length;

    // Sanity: the late as-of answers equal the live ones (the bench measures a correct replay).
    const { at: _at, ...lateState } = await asOf.pipelineStateAsOf(caller, 'history', lateInstant);
    if (JSON.stringify(lateState) !== JSON.stringify(await engine.getPipelineState(caller, 'history'))) throw new Error('pipelineStateAsOf(late) differs from getPipelineState');
    if ((await pipelineAsOf.pipelineAsOf(caller, 'history', lateInstant)).version.version !== updates) throw new Error('pipelineAsOf(late) is not the last version');

    const rows: Array<[string, number, number, string]> = [];
    const row = async (label: string, replay: () => unknown, live: () => unknown, folded: string) => {
      const replayMs = await time(replay);
      const liveMs = await time(live);
      rows.push([label, replayMs, liveMs, folded]);
    };
    const liveExecution = (id: string) => async () => {
      await engine.getPipelineExecution(caller, 'history', id);
      await engine.listActionExecutions(caller, 'history', { pipelineExecutionId: id });
    };
    await row('pipelineAsOf, late', () => pipelineAsOf.pipelineAsOf(caller, 'history', lateInstant), () => liveGetPipeline.getPipeline(caller, 'history'), `${pipelineStream} (one stream)`);
    await row('pipelineAsOf, mid', () => pipelineAsOf.pipelineAsOf(caller, 'history', midInstant), () => liveGetPipeline.getPipeline(caller, 'history'), `${pipelineStream} read, ~half folded`);
    await row('pipelineStateAsOf, late', () => asOf.pipelineStateAsOf(caller, 'history', lateInstant), () => engine.getPipelineState(caller, 'history'), `${events} in the store, job streams not read`);
    await row('pipelineStateAsOf, mid', () => asOf.pipelineStateAsOf(caller, 'history', midInstant), () => engine.getPipelineState(caller, 'history'), `scan stops at mid + 60 s skew`);
    await row('(its scan alone, no fold)', () => scanStreams(store, ['execution-', 'lanes-', 'pipeline-'], () => 'continue'), () => undefined, 'execution-, lanes-, pipeline- streams');
    await row('executionAsOf, late', () => asOf.executionAsOf(caller, lastExecution, lateInstant), liveExecution(lastExecution), `${executionStream} (one stream)`);
    if (midExecution) await row('executionAsOf, mid', () => asOf.executionAsOf(caller, midExecution, midInstant), liveExecution(midExecution), 'one stream, cut at mid');

    console.log(`\nas-of replay vs live query, median of ${ROUNDS} (${storeName}, ${events.toLocaleString('en-US')} events of one pipeline)`);
    console.log(`  ${'query'.padEnd(26)} ${'as-of ms'.padStart(10)} ${'live ms'.padStart(10)} ${'ratio'.padStart(9)} ${'events/s'.padStart(12)}  events`);
    for (const [label, replayMs, liveMs, folded] of rows) {
      const eventCount = Number(folded.split(' ')[0]);
      const rate = Number.isFinite(eventCount) && label.startsWith('pipelineStateAsOf, late') ? Math.round(eventCount / (replayMs / 1000)).toLocaleString('en-US') : '';
      console.log(
        `  ${label.padEnd(26)} ${replayMs.toFixed(2).padStart(10)} ${liveMs.toFixed(4).padStart(10)} ${`${Math.round(replayMs / Math.max(liveMs, 1e-4)).toLocaleString('en-US')}x`.padStart(9)} ${rate.padStart(12)}  ${folded}`,
      );
    }
  } finally {
    await worker.stop();
    await pipelines.stop();
    await engine.stop();
    await relay.stop();
    await bus.close();
    await dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
