/**
 * The platform from its compiled bundle against the platform through tsx (decision 0058), in the same sitting:
 * `npx tsx bench/startup/compiled-start.ts`. Interleaved runs of each (SLUICE_BENCH_COMPILED_RUNS, default 4), after
 * one warm-up of each (it builds what is stale, the dashboard and the bundle):
 *   - `npm start` on a warm data folder: from the command to "Sluice is running", then SIGINT;
 *   - `startPlatformProcess` (what the e2e suites call): from the call to the URL, on a new data folder each time.
 * The load average is printed before and after: other work on the machine shows in the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformProcess } from '../../platform/src/testing/platform-process';

const ROOT = join(__dirname, '../..');
const RUNS = Number(process.env.SLUICE_BENCH_COMPILED_RUNS ?? 4);
const MODES = { compiled: { SLUICE_FROM_SOURCE: '' }, tsx: { SLUICE_FROM_SOURCE: '1' } } as const;
type Mode = keyof typeof MODES;
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
  process.env.SLUICE_FROM_SOURCE = MODES[mode].SLUICE_FROM_SOURCE;
  const started = Date.now();
  const platform = await startPlatformProcess(dataDir, { SLUICE_POLL_INTERVAL_MS: '3600000' });
  const elapsed = Date.now() - started;
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

const summary = (values: number[]) => `${values.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s (median ${(median(values) / 1000).toFixed(2)} s)`;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  console.log(`load average before: ${load()}`);
  const warmDir = mkdtempSync(join(tmpdir(), 'sluice-compiled-start-warm-'));
  const npmStart: Record<Mode, number[]> = { compiled: [], tsx: [] };
  const harness: Record<Mode, number[]> = { compiled: [], tsx: [] };
  for (const mode of ['compiled', 'tsx'] as const) console.log(`warm-up npm start (${mode}): ${((await npmStartReady(mode, warmDir)) / 1000).toFixed(2)} s`);
  for (let run = 0; run < RUNS; run++) {
    for (const mode of ['tsx', 'compiled'] as const) npmStart[mode].push(await npmStartReady(mode, warmDir));
  }
  console.log(`npm start, warm data folder, command → "Sluice is running": tsx ${summary(npmStart.tsx)}; compiled ${summary(npmStart.compiled)}`);
  for (let run = 0; run < RUNS; run++) {
    for (const mode of ['tsx', 'compiled'] as const) harness[mode].push(await platformProcessReady(mode));
  }
  console.log(`startPlatformProcess, new data folder, call → URL: tsx ${summary(harness.tsx)}; compiled ${summary(harness.compiled)}`);
  rmSync(warmDir, { recursive: true, force: true });
  console.log(`load average after: ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
