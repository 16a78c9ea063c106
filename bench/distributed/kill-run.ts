/**
 * The distributed kill run of issue 20 at scale: `npx tsx bench/distributed/kill-run.ts`. Three engines, three workers,
 * two gateways behind HAProxy, the permissions API and a process folding its audit trails (decision 0061), on PostgreSQL
 * (a throw-away schema) and Kafka (a throw-away broker, or SLUICE_BENCH_KAFKA=host:port). N executions
 * (SLUICE_BENCH_KILL_RUN_EXECUTIONS, default 300) of Source/Git → Build (2 Commands) → Deploy (1 Commands), each action
 * `sleep 1`, with a subscriber on each gateway; mid-run SIGKILL of executions-1, worker-1, gateway-1 and projections-1,
 * which is started again. The scenario is distributed.e2e.spec.ts's (platform/src/distributed/testing/kill-run.ts):
 * every execution Succeeded, each subscriber saw every change once and in order, the audit read model equals its
 * rebuild from zero. Prints the figures and the load average; exits 1 when a check failed. SLUICE_BENCH_KILL_RUN_FINISH_S
 * (default 1,800) bounds the wait for every execution to end after the kills.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, newTestSchema, type KafkaBroker } from '@sluice/testing';
import type { Caller } from '../../gateway/src/testing/gateway-client';
import { describeKillRun, killRunTopology, runKillScenario } from '../../platform/src/distributed/testing/kill-run';
import { startDistributedTopology, type DistributedTopology } from '../../platform/src/distributed/topology';
import { benchPostgresUrl } from '../eventing/bench-kit';
import { benchKafka, benchTopologyOptions } from './bench-topology';

const EXECUTIONS = Number(process.env.SLUICE_BENCH_KILL_RUN_EXECUTIONS ?? 300);
// On two shared cores 300 executions of four jobs take minutes after the kills: the run's bound, not a goal.
const FINISH_S = Number(process.env.SLUICE_BENCH_KILL_RUN_FINISH_S ?? 1_800);
const load = () => loadavg().map((n) => n.toFixed(2)).join(', ');

async function main(): Promise<void> {
  if (!Number.isInteger(EXECUTIONS) || EXECUTIONS < 2) throw new Error(`SLUICE_BENCH_KILL_RUN_EXECUTIONS: '${process.env.SLUICE_BENCH_KILL_RUN_EXECUTIONS}' is not a whole number of at least 2`);
  if (!Number.isFinite(FINISH_S) || FINISH_S <= 0) throw new Error(`SLUICE_BENCH_KILL_RUN_FINISH_S: '${process.env.SLUICE_BENCH_KILL_RUN_FINISH_S}' is not a positive number of seconds`);
  const workDir = mkdtempSync(join(tmpdir(), 'sluice-bench-kill-run-'));
  const schema = newTestSchema('bkill');
  const caller: Caller = { account: 'default', actor: 'bench' };
  let broker: KafkaBroker | undefined;
  let topology: DistributedTopology | undefined;
  let store: PostgresEventStore | undefined;
  console.log(`load average before: ${load()}`);
  try {
    const kafka = await benchKafka();
    broker = kafka.broker;
    const spawnedAt = performance.now();
    topology = await startDistributedTopology({
      ...benchTopologyOptions(schema, kafka.brokers, workDir),
      ...killRunTopology(4),
      triggers: 0,
    });
    console.log(`processes: ${topology.processes.map((p) => p.name).join(', ')} (ready in ${((performance.now() - spawnedAt) / 1000).toFixed(1)} s)`);
    if (topology.adminToken) caller.token = topology.adminToken;
    store = await createPostgresEventStore({ connectionString: benchPostgresUrl, schema });
    const running = topology;
    // A process that died on its own (not one of the four killed) is named with its last lines, whatever failed.
    const unexpectedEnds = async () => {
      const ends = await Promise.all(running.processes.map(async (p) => [p, await Promise.race([p.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 10))])] as const));
      for (const [p, end] of ends) {
        if (end && end.signal !== 'SIGKILL') console.error(`${p.name} (pid ${p.pid}) exited by itself (${end.signal ?? `code ${end.code}`}); its last lines:\n${p.output().trimEnd().split('\n').slice(-15).join('\n')}`);
      }
    };
    const run = await runKillScenario({
      topology,
      store,
      caller,
      executions: EXECUTIONS,
      workDir,
      pipelineName: 'killrun',
      startConcurrency: 4,
      finishTimeoutMs: FINISH_S * 1_000,
      log: (line) => console.log(`  ${line} (load ${load()})`),
    }).catch(async (error: unknown) => {
      await unexpectedEnds();
      throw error;
    });
    await unexpectedEnds();
    console.log(describeKillRun(run));
    console.log(`load average after: ${load()}`);
    if (run.problems.length > 0) {
      console.error(`FAILED checks:\n${run.problems.map((p) => `  - ${p}`).join('\n')}`);
      process.exitCode = 1;
    }
    await run.onGateway2.stop();
    await run.resumed.stop();
  } finally {
    await topology?.stop();
    await store?.close();
    await broker?.destroy();
    await dropTestSchema(schema, benchPostgresUrl);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
