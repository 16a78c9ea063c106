/**
 * The artifacts service in a child process, as it runs in distributed mode (`services/artifacts/src/main.ts`),
 * on PostgreSQL and a filesystem store, with a heap of `heapMb` (so a buffered artifact would crash it);
 * its resident set size is sampled from /proc while work runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '../../libs/testing/src';

export interface BenchArtifactsService {
  url: string;
  artifactsDir: string;
  /** The byte routes answer only callers with the service's SLUICE_INTERNAL_SECRET (x-sluice-internal-secret). */
  headers: Record<string, string>;
  /** Runs `work` while sampling the service's RSS every 20 ms: its peak growth over the start. */
  peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number; peakBytes: number }>;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '../..');

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export async function startBenchArtifactsService(dataDir: string, heapMb: number): Promise<BenchArtifactsService> {
  const schema = newTestSchema('bench_artifacts');
  const artifactsDir = join(dataDir, 'service-artifacts');
  const internalSecret = randomBytes(32).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(ROOT, 'services/artifacts/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SLUICE_EVENT_STORE: testPostgresUrl(),
      SLUICE_EVENT_STORE_SCHEMA: schema,
      SLUICE_PORT: '0',
      SLUICE_KAFKA_BROKERS: '',
      SLUICE_DATA_DIR: dataDir,
      SLUICE_ARTIFACTS: artifactsDir,
      SLUICE_ARTIFACT_COLLECT_INTERVAL_MINUTES: '0',
      SLUICE_INTERNAL_SECRET: internalSecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const watch = setInterval(() => {
      const match = /listening at (http:\/\/[^\s"]+)\/graphql/.exec(output);
      if (match) {
        clearInterval(watch);
        resolve(match[1]!);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(watch);
        child.kill('SIGKILL');
        reject(new Error(`the artifacts service did not start:\n${output}`));
      }
    }, 50);
  });
  const pid = child.pid!;
  return {
    url,
    artifactsDir,
    headers: { 'x-sluice-internal-secret': internalSecret },
    async peakRssGrowth(work) {
      const start = await rssOf(pid);
      let peak = start;
      const sampler = setInterval(() => {
        rssOf(pid).then((rss) => void (peak = Math.max(peak, rss)), () => undefined);
      }, 20);
      try {
        const result = await work();
        peak = Math.max(peak, await rssOf(pid));
        return { result, growthBytes: peak - start, peakBytes: peak };
      } finally {
        clearInterval(sampler);
      }
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0 && child.signalCode === null && /FATAL ERROR|heap out of memory/.test(output)) throw new Error(`the artifacts service ran out of heap:\n${output}`);
      await dropTestSchema(schema);
    },
  };
}
