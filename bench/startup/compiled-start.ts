/**
 * How the platform starts, in the same sitting: `npx tsx bench/startup/compiled-start.ts`. Interleaved runs of each
 * mode (SLUICE_BENCH_COMPILED_RUNS, default 20), after one warm-up of each (it builds what is stale, the dashboard, the
 * bundle and the vendor file's code cache). Modes (SLUICE_BENCH_START_MODES, default `compiled,without-vendor`):
 *   - `compiled`: the bundle, its third-party code from the vendor file with V8's code cache (decisions 0058, 0063);
 *   - `without-vendor`: the bundle, its third-party code required from node_modules (SLUICE_VENDOR=0, as before 0063);
 *   - `tsx`: the TypeScript sources through tsx (SLUICE_FROM_SOURCE=1, as before 0058).
 * Measured:
 *   - `npm start` on a warm data folder: from the command to "Sluice is running", then SIGINT;
 *   - `startPlatformProcess` (what the e2e suites call): from the call to the URL, on a new data folder each time.
 * Median and p95 of each, and the load average before and after: other work on the machine shows in the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformProcess } from '../../platform/src/testing/platform-process';

const ROOT = join(__dirname, '../..');
const RUNS = Number(process.env.SLUICE_BENCH_COMPILED_RUNS ?? 20);
const MODES = {
  compiled: { SLUICE_FROM_SOURCE: '', SLUICE_VENDOR: '' },
  'without-vendor': { SLUICE_FROM_SOURCE: '', SLUICE_VENDOR: '0' },
  tsx: { SLUICE_FROM_SOURCE: '1', SLUICE_VENDOR: '' },
} as const;
type Mode = keyof typeof MODES;
const CHOSEN = (process.env.SLUICE_BENCH_START_MODES ?? 'compiled,without-vendor').split(',').map((mode) => mode.trim()) as Mode[];
for (const mode of CHOSEN) if (!(mode in MODES)) throw new Error(`SLUICE_BENCH_START_MODES: unknown mode '${mode}' (${Object.keys(MODES).join(', ')})`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/** `npm start` on `dataDir` until it prints "Sluice is running"; the milliseconds from the command, then stopped. */
function npmStartReady(mode: Mode, dataDir: string): Promise<number> {
  const started = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...MODES[mode], SLUICE_PORT: '0', SLUICE_DATA_DIR: dataDir, SLUICE_POLL_INTERVAL_MS: '3600000' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start (${mode}) printed no URL within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Sluice is running')) return;
      const elapsed = Date.now() - started;
      child.stdout!.off('data', onData);
      clearTimeout(timer);
      // The whole group (npm, the launcher, the platform): SIGINT as Ctrl-C sends it.
      process.kill(-child.pid!, 'SIGINT');
      child.once('exit', () => resolve(elapsed));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  });
}

async function platformProcessReady(mode: Mode): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-compiled-start-'));
  Object.assign(process.env, MODES[mode]);
  const started = Date.now();
  const platform = await startPlatformProcess(dataDir, { SLUICE_POLL_INTERVAL_MS: '3600000' });
  const elapsed = Date.now() - started;
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

const summary = (values: number[]) => `median ${(percentile(values, 50) / 1000).toFixed(2)} s, p95 ${(percentile(values, 95) / 1000).toFixed(2)} s (${values.length} runs: ${values.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`;
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 50) return median(sorted);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  console.log(`modes: ${CHOSEN.join(', ')}; ${RUNS} runs each, interleaved; load average before: ${load()}`);
  const warmDir = mkdtempSync(join(tmpdir(), 'sluice-compiled-start-warm-'));
  const npmStart = Object.fromEntries(CHOSEN.map((mode) => [mode, [] as number[]])) as Record<Mode, number[]>;
  const harness = Object.fromEntries(CHOSEN.map((mode) => [mode, [] as number[]])) as Record<Mode, number[]>;
  // Twice each: the first builds what is stale, the second finds the vendor file's code cache the first wrote.
  for (const mode of CHOSEN) for (const round of [1, 2]) console.log(`warm-up ${round} npm start (${mode}): ${((await npmStartReady(mode, warmDir)) / 1000).toFixed(2)} s`);
  for (let run = 0; run < RUNS; run++) for (const mode of CHOSEN) npmStart[mode].push(await npmStartReady(mode, warmDir));
  for (const mode of CHOSEN) console.log(`npm start, warm data folder, command → "Sluice is running", ${mode}: ${summary(npmStart[mode])}`);
  console.log(`load average: ${load()}`);
  for (let run = 0; run < RUNS; run++) for (const mode of CHOSEN) harness[mode].push(await platformProcessReady(mode));
  for (const mode of CHOSEN) console.log(`startPlatformProcess, new data folder, call → URL, ${mode}: ${summary(harness[mode])}`);
  rmSync(warmDir, { recursive: true, force: true });
  console.log(`load average after: ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
