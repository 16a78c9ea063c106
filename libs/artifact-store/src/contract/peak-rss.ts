import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's collector, where it can be had. Streamed chunks are garbage the moment they are passed on, but V8 frees
 * Buffers' memory only when it collects, and it collects later the busier the machine is (with two test suites
 * at a time on two cores, ~65 MB of dead chunks were still held): without a collection now and then, the
 * measure was of the collector's schedule, not of what the store keeps.
 */
function collector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const collect = collector();

/** Runs `work` while sampling the resident set size (collecting garbage every 100 ms); returns its peak growth over the start. */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  collect?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  let ticks = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    if (++ticks % 10 === 0) collect?.();
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthBytes: peak - start };
  } finally {
    clearInterval(sampler);
  }
}
