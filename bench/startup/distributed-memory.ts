/**
 * Memory of every process of the distributed platform on a large history (issue 20 asks heap and RSS of every process
 * ≤ 300 MiB at 1,000,000 events): `SLUICE_BENCH_STARTUP_EXECUTIONS=800 npx tsx bench/startup/distributed-memory.ts`.
 *
 * The distributed topology as `npm run start:distributed` runs it (one engine, one worker, one gateway, the projections
 * process and the other services, each its own process) on PostgreSQL (a throw-away schema) and Kafka (a throw-away
 * broker, or SLUICE_BENCH_KAFKA=host:port). It creates the 50-action pipeline of bench/startup/restart.ts and its
 * template, runs the template once, stops; SLUICE_BENCH_STARTUP_EXECUTIONS − 1 copies of that execution are appended to
 * the store (~127 events each); then the topology starts twice on that store: "first" (every durable read model folds
 * the history once) and "again" (each resumes after its checkpoint). After each start and after one more execution it
 * prints every process's resident memory (VmRSS) and its peak (VmHWM), from /proc, with the load average, and whether
 * the gateway's metrics read model (which catches up in the background) had caught up with the store. RSS bounds
 * the heap from above: a process within 300 MiB of RSS is within it of heap.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, newTestSchema, startKafkaBroker, type KafkaBroker } from '@sluice/testing';
import { startDistributedTopology, type DistributedTopology, type TopologyOptions } from '../../platform/src/distributed/topology';
import { gql } from '../../platform/src/testing/dashboard-harness';
import { createScaleActionTypes, FIFTY_ACTIONS, runExecutions, scalePipeline, seedHistory, waitForStages } from '../../platform/src/testing/dashboard-scale';
import { benchPostgresUrl } from '../eventing/bench-kit';

const EXECUTIONS = Number(process.env.SLUICE_BENCH_STARTUP_EXECUTIONS ?? 200);
const PIPELINE = 'scale-50';
const TEMPLATE = `${PIPELINE}-template`;
const MiB = 1024 * 1024;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** VmRSS and VmHWM of a process, in MiB; undefined once it is gone. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: (kib('VmRSS') * 1024) / MiB, peak: (kib('VmHWM') * 1024) / MiB };
  } catch {
    return undefined;
  }
}

/** The gateway's `sluice_event_store_lag_seconds` (its metrics read model still catching up with the store when > 0). */
async function metricsLagSeconds(running: DistributedTopology): Promise<number | undefined> {
  const response = await fetch(`${running.gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${running.adminToken!}` } });
  if (!response.ok) return undefined;
  const line = /^sluice_event_store_lag_seconds(?:\{[^}]*\})? (\S+)$/m.exec(await response.text());
  return line ? Number(line[1]) : undefined;
}

interface Sample {
  startMs: number;
  executionMs: number;
  /** The gateway's metrics lag at ready and after the execution. */
  lag: [number | undefined, number | undefined];
  atReady: Map<string, { rss: number; peak: number } | undefined>;
  afterExecution: Map<string, { rss: number; peak: number } | undefined>;
}

async function main(): Promise<void> {
  if (!Number.isInteger(EXECUTIONS) || EXECUTIONS < 2) throw new Error(`SLUICE_BENCH_STARTUP_EXECUTIONS: '${process.env.SLUICE_BENCH_STARTUP_EXECUTIONS}' is not a whole number of at least 2`);
  const workDir = mkdtempSync(join(tmpdir(), 'sluice-bench-distributed-memory-'));
  const schema = newTestSchema('bmem');
  let broker: KafkaBroker | undefined;
  let topology: DistributedTopology | undefined;
  console.log(`load average before: ${load()}`);
  try {
    const kafkaBrokers = process.env.SLUICE_BENCH_KAFKA ? process.env.SLUICE_BENCH_KAFKA.split(',') : (broker = await startKafkaBroker()).brokers;
    const options: TopologyOptions = {
      inheritedEnv: process.env,
      eventStore: benchPostgresUrl,
      eventStoreSchema: schema,
      kafkaBrokers,
      topicPrefix: `bench.${schema}`,
      artifactsDir: join(workDir, 'artifacts'),
      // The same folder at each start: the admin's token is kept there.
      dataDir: join(workDir, 'data'),
      engines: 1,
      workers: 1,
      gateways: 1,
      projections: 1,
      triggers: 0,
      workerEnv: { SLUICE_WORKER_CONCURRENCY: '4' },
      startTimeoutMs: 1_800_000,
    };
    const callOf = (running: DistributedTopology): Call => (query, variables = {}) => gql(running.gatewayUrl, running.adminToken!, query, variables);

    topology = await startDistributedTopology(options);
    if (!topology.adminToken) throw new Error('the topology gave no admin token');
    let call = callOf(topology);
    await createScaleActionTypes(call);
    for (const name of [PIPELINE, TEMPLATE]) {
      await call('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: scalePipeline(name, FIFTY_ACTIONS) });
      await waitForStages(call, name, FIFTY_ACTIONS.length);
    }
    const [template] = await runExecutions(call, TEMPLATE, 1, { timeoutMs: 600_000 });
    await topology.stop();
    topology = undefined;

    const store = await createPostgresEventStore({ connectionString: benchPostgresUrl, schema });
    try {
      const started = performance.now();
      const seeded = await seedHistory(store, { account: 'default', template: { pipelineName: TEMPLATE, executionId: template! }, pipelineName: PIPELINE, count: EXECUTIONS - 1 });
      console.log(`seeded ${EXECUTIONS - 1} executions, ${seeded.events.toLocaleString('en-US')} events in ${seconds(performance.now() - started)}; the store holds ${(await store.countAll()).toLocaleString('en-US')} events`);
    } finally {
      await store.close();
    }

    const samples = new Map<string, Sample>();
    for (const label of ['first', 'again']) {
      const spawned = performance.now();
      topology = await startDistributedTopology(options);
      const startMs = performance.now() - spawned;
      const processes = topology.processes.map((p) => ({ name: p.name, pid: p.pid }));
      const atReady = new Map(processes.map((p) => [p.name, memoryOf(p.pid)]));
      const lagAtReady = await metricsLagSeconds(topology);
      call = callOf(topology);
      const executionStarted = performance.now();
      await runExecutions(call, PIPELINE, 1, { timeoutMs: 600_000 });
      const executionMs = performance.now() - executionStarted;
      const afterExecution = new Map(processes.map((p) => [p.name, memoryOf(p.pid)]));
      samples.set(label, { startMs, executionMs, lag: [lagAtReady, await metricsLagSeconds(topology)], atReady, afterExecution });
      // What the gateway said of its metrics read model (a failed fold is retried from its checkpoint).
      const said = topology.process('gateway').output().split('\n').filter((line) => /metrics/i.test(line));
      if (said.length > 0) console.log(`${label}: the gateway on its metrics:\n  ${said.slice(0, 5).join('\n  ')}${said.length > 5 ? `\n  … ${said.length - 5} more` : ''}`);
      await topology.stop();
      topology = undefined;
    }

    console.log(`\n${EXECUTIONS} executions of a 50-action pipeline on PostgreSQL; load average after: ${load()}`);
    const lag = (value: number | undefined) => (value === undefined ? 'not read' : value === 0 ? 'caught up' : `${value.toFixed(0)} s behind`);
    for (const [label, sample] of samples) {
      console.log(`${label}: all processes ready in ${seconds(sample.startMs)}, then one execution in ${seconds(sample.executionMs)}; the gateway's metrics read model ${lag(sample.lag[0])} at ready, ${lag(sample.lag[1])} after the execution`);
    }
    const cell = (value: { rss: number; peak: number } | undefined) => (value ? `${value.rss.toFixed(0)} MiB` : 'gone');
    const peak = (value: { rss: number; peak: number } | undefined) => (value ? `${value.peak.toFixed(0)} MiB` : 'gone');
    console.log('\n| process | first: RSS at ready | after an execution | peak | again: RSS at ready | after an execution | peak |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const first = samples.get('first')!;
    const again = samples.get('again')!;
    for (const name of first.atReady.keys()) {
      console.log(`| ${name} | ${cell(first.atReady.get(name))} | ${cell(first.afterExecution.get(name))} | ${peak(first.afterExecution.get(name))} | ${cell(again.atReady.get(name))} | ${cell(again.afterExecution.get(name))} | ${peak(again.afterExecution.get(name))} |`);
    }
    const over = [...again.afterExecution].filter(([, value]) => value && value.peak > 300);
    console.log(over.length === 0 ? 'every process within 300 MiB (peak RSS, "again")' : `over 300 MiB (peak RSS, "again"): ${over.map(([name, value]) => `${name} ${value!.peak.toFixed(0)} MiB`).join(', ')}`);
  } finally {
    await topology?.stop().catch(() => undefined);
    await broker?.stop().catch(() => undefined);
    await dropTestSchema(schema).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
