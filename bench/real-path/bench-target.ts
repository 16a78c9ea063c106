import { join } from 'node:path';
import { dropTestSchema, newTestSchema, type KafkaBroker } from '@sluice/testing';
import { startDistributedTopology, type DistributedTopology } from '../../platform/src/distributed/topology';
import { startPlatformProcess, type PlatformProcess } from '../../platform/src/testing/platform-process';
import { benchKafka, benchTopologyOptions } from '../distributed/bench-topology';
import { benchPostgresUrl } from '../eventing/bench-kit';
import { platformCpuMs } from './real-path-kit';

/**
 * What a real-path bench runs its pipeline on, as a user starts it (issue 18). SLUICE_BENCH_MODE=embedded (the
 * default): the platform as `npm start` runs it, one process with PGlite and the built-in worker.
 * SLUICE_BENCH_MODE=distributed: the topology of `npm run start:distributed` (each service its own process, two engine
 * instances, the gateway, the triggers) on PostgreSQL (a throw-away schema) and Kafka (a throw-away broker, or
 * SLUICE_BENCH_KAFKA=host:port), with one worker process of the same slots the embedded platform has.
 */
export interface BenchTarget {
  /** What the bench's lines say it ran on. */
  description: string;
  /** `${url}/graphql`: the platform's, or the gateway's. */
  url: string;
  /** The admin token of account `default`. */
  token: string;
  /** CPU so far (ms) of the platform's processes (their threads), and of what they started with what those waited for (the launcher, git, the jobs). */
  cpuMs(): Promise<{ platform: number; started: number }>;
  /** Ids of the platform's processes (a CPU profile's or a reader's). */
  pids(): number[];
  stop(): Promise<void>;
}

export type BenchMode = 'embedded' | 'distributed';

export function benchMode(): BenchMode {
  const mode = process.env.SLUICE_BENCH_MODE ?? 'embedded';
  if (mode !== 'embedded' && mode !== 'distributed') throw new Error(`SLUICE_BENCH_MODE: 'embedded' or 'distributed', not '${mode}'`);
  return mode;
}

/** Starts the platform of `benchMode()` with its data under `root`, `slots` jobs at once. */
export async function startBenchTarget(root: string, slots: number): Promise<BenchTarget> {
  return benchMode() === 'distributed' ? startDistributed(root, slots) : startEmbedded(root, slots);
}

async function startEmbedded(root: string, slots: number): Promise<BenchTarget> {
  const platform: PlatformProcess = await startPlatformProcess(join(root, 'data'), { SLUICE_WORKER_CONCURRENCY: String(slots), SLUICE_POLL_INTERVAL_MS: '3600000' });
  return {
    description: `embedded platform as npm start runs it, SLUICE_WORKER_CONCURRENCY=${slots}`,
    url: platform.url,
    token: platform.token,
    cpuMs: () => platformCpuMs(platform.pid),
    pids: () => [platform.pid],
    stop: async () => void (await platform.stop()),
  };
}

async function startDistributed(root: string, slots: number): Promise<BenchTarget> {
  const schema = newTestSchema('brpath');
  let broker: KafkaBroker | undefined;
  let topology: DistributedTopology | undefined;
  try {
    const kafka = await benchKafka();
    broker = kafka.broker;
    topology = await startDistributedTopology({
      ...benchTopologyOptions(schema, kafka.brokers, root),
      workers: 1,
      workerEnv: { SLUICE_WORKER_CONCURRENCY: String(slots) },
      triggersEnv: { SLUICE_POLL_INTERVAL_MS: '3600000' },
      stopGraceMs: 10_000,
    });
  } catch (error) {
    await topology?.stop();
    await broker?.destroy();
    await dropTestSchema(schema, benchPostgresUrl);
    throw error;
  }
  const running = topology;
  if (!running.adminToken) throw new Error('the distributed platform started without an admin token');
  return {
    description: `distributed platform as npm run start:distributed runs it (${running.processes.map((process) => process.name).join(', ')}; PostgreSQL, Kafka), one worker of ${slots} slots`,
    url: running.gatewayUrl,
    token: running.adminToken,
    async cpuMs() {
      const each = await Promise.all(running.processes.map((process) => platformCpuMs(process.pid)));
      return each.reduce((sum, cpu) => ({ platform: sum.platform + cpu.platform, started: sum.started + cpu.started }), { platform: 0, started: 0 });
    },
    pids: () => running.processes.map((process) => process.pid),
    async stop() {
      await running.stop();
      await broker?.destroy();
      await dropTestSchema(schema, benchPostgresUrl);
    },
  };
}
