/**
 * The artifacts service in a child process, as it runs in distributed mode (`services/artifacts/src/main.ts`, started
 * as its tests start it: `startArtifactsService`), on PostgreSQL and a filesystem store, with a heap of `heapMb`
 * (so a buffered artifact would crash it); its resident set size is sampled from /proc while work runs.
 */
import { readFile } from 'node:fs/promises';
import { startArtifactsService } from '@sluice/artifacts/testing';
import { dropTestSchema, newTestSchema } from '../../libs/testing/src';

export interface BenchArtifactsService {
  url: string;
  artifactsDir: string;
  /** The byte routes answer only callers with the service's SLUICE_INTERNAL_SECRET (x-sluice-internal-secret). */
  headers: Record<string, string>;
  /** Runs `work` while sampling the service's RSS every 20 ms: its peak growth over the start. */
  peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number; peakBytes: number }>;
  stop(): Promise<void>;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export async function startBenchArtifactsService(dataDir: string, heapMb: number): Promise<BenchArtifactsService> {
  const schema = newTestSchema('bench_artifacts');
  const service = await startArtifactsService(schema, { SLUICE_ARTIFACT_COLLECT_INTERVAL_MINUTES: '0' }, { dataDir, nodeArgs: [`--max-old-space-size=${heapMb}`] });
  const { pid } = service;
  return {
    url: service.url,
    artifactsDir: service.artifactsDir,
    headers: { 'x-sluice-internal-secret': service.internalSecret },
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
      await service.stop();
      if (/FATAL ERROR|heap out of memory/.test(service.output())) throw new Error(`the artifacts service ran out of heap:\n${service.output()}`);
      await dropTestSchema(schema);
    },
  };
}
