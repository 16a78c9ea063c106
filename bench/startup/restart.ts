/**
 * Restart on a large store: `npx tsx bench/startup/restart.ts`. Seeds an embedded store with the dashboard bench's
 * history (platform/src/testing/dashboard-scale.ts: `scale-50`, 5 stages × 10 actions, one real execution of
 * `scale-50-template` through the API, then SLUICE_BENCH_STARTUP_EXECUTIONS − 1 copies of it appended to the store,
 * default 200), then restarts the embedded platform (without the demo, a child process) on it and prints:
 *   - spawn → "Sluice is running",
 *   - spawn → /readyz 200,
 *   - one execution of `scale-50` through the API started once /readyz is 200 (and a second one, for comparison),
 *   - the start-up phases the platform logs with SLUICE_STARTUP_TRACE=1 (platform/src/embedded/platform.ts: each
 *     app's start, which includes its projection's catch-up, the heap, and where the relay is).
 * Two restarts: "first" on a copy of the freshly seeded store (nothing has read the copies yet) and "again" on the
 * same folder after it (whatever the first restart persisted is used).
 * SLUICE_BENCH_STARTUP_DIR keeps the seeded store between runs (seeded once per size, copied for each try);
 * SLUICE_BENCH_STARTUP_KEEP=1 keeps the copy, with each platform's whole output (platform-{first,again}.log);
 * SLUICE_BENCH_STARTUP_CPU_PROF=1 writes a V8 CPU profile of each restarted platform (cpu-{first,again}/, through
 * cpu-profile.mjs: `--cpu-prof` is not allowed in NODE_OPTIONS).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gql } from '../../platform/src/testing/dashboard-harness';
import {
  createScaleActionTypes,
  FIFTY_ACTIONS,
  openPlatformStore,
  runExecutions,
  scalePipeline,
  seedHistory,
  succeededExecutions,
  waitForStages,
} from '../../platform/src/testing/dashboard-scale';
import { startPlatformProcess, type PlatformProcess } from '../../platform/src/testing/platform-process';

const EXECUTIONS = Number(process.env.SLUICE_BENCH_STARTUP_EXECUTIONS ?? 200);
const PIPELINE = 'scale-50';
const TEMPLATE = `${PIPELINE}-template`;
const ENV = { SLUICE_POLL_INTERVAL_MS: '3600000', SLUICE_STARTUP_TRACE: '1' };
type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
const clientOf = (p: PlatformProcess): Call => (query, variables = {}) => gql(p.url, p.token, query, variables);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A data folder with the pipeline and EXECUTIONS − 1 seeded copies of one real execution (not yet read by any platform). */
async function seed(dataDir: string): Promise<void> {
  const platform = await startPlatformProcess(dataDir, ENV);
  try {
    const call = clientOf(platform);
    await createScaleActionTypes(call);
    for (const name of [PIPELINE, TEMPLATE]) {
      await call('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: scalePipeline(name, FIFTY_ACTIONS) });
      await waitForStages(call, name, FIFTY_ACTIONS.length);
    }
    const [executionId] = await runExecutions(call, TEMPLATE, 1);
    await platform.stop();
    const store = await openPlatformStore(dataDir);
    try {
      const started = performance.now();
      const seeded = await seedHistory(store, { account: 'default', template: { pipelineName: TEMPLATE, executionId: executionId! }, pipelineName: PIPELINE, count: EXECUTIONS - 1 });
      console.log(`seeded ${EXECUTIONS - 1} executions, ${seeded.events.toLocaleString('en')} events in ${seconds(performance.now() - started)}`);
    } finally {
      await store.close();
    }
  } catch (error) {
    await platform.stop();
    throw error;
  }
}

interface Restart {
  runningMs: number;
  readyMs: number;
  firstExecutionMs: number;
  secondExecutionMs: number;
  phases: string[];
}

async function restart(dataDir: string, label: string): Promise<Restart> {
  const extra: Record<string, string> = { ...ENV };
  if (process.env.SLUICE_BENCH_STARTUP_CPU_PROF === '1') {
    extra.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${join(__dirname, 'cpu-profile.mjs')}`;
    extra.SLUICE_BENCH_CPU_PROFILE_DIR = join(dataDir, `cpu-${label}`);
  }
  const spawned = performance.now();
  const platform = await startPlatformProcess(dataDir, extra, 600_000);
  const runningMs = performance.now() - spawned;
  try {
    for (;;) {
      const res = await fetch(`${platform.url}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const readyMs = performance.now() - spawned;
    const call = clientOf(platform);
    let started = performance.now();
    await runExecutions(call, PIPELINE, 1, { timeoutMs: 600_000 });
    const firstExecutionMs = performance.now() - started;
    started = performance.now();
    await runExecutions(call, PIPELINE, 1, { timeoutMs: 600_000 });
    const secondExecutionMs = performance.now() - started;
    const succeeded = await succeededExecutions(call, PIPELINE);
    if (succeeded < EXECUTIONS + 1) throw new Error(`${PIPELINE} has ${succeeded} succeeded executions, expected at least ${EXECUTIONS + 1}`);
    // Until the platform's stop, which the output below includes.
    const phases = platform.output().split('\n').filter((line) => line.startsWith('startup:'));
    return { runningMs, readyMs, firstExecutionMs, secondExecutionMs, phases };
  } finally {
    const code = await platform.stop();
    if (code !== 0) console.log(`  (the platform exited with ${code})`);
    writeFileSync(join(dataDir, `platform-${label}.log`), platform.output());
  }
}

async function main(): Promise<void> {
  const base = process.env.SLUICE_BENCH_STARTUP_DIR ?? mkdtempSync(join(tmpdir(), 'sluice-startup-'));
  const seeded = join(base, `seeded-${EXECUTIONS}`);
  if (!existsSync(join(seeded, '.complete'))) {
    rmSync(seeded, { recursive: true, force: true });
    mkdirSync(seeded, { recursive: true });
    await seed(seeded);
    writeFileSync(join(seeded, '.complete'), '');
  } else {
    console.log(`reusing the seeded store in ${seeded}`);
  }
  const run = join(base, `run-${Date.now()}`);
  cpSync(seeded, run, { recursive: true });
  try {
    console.log(`store: ${EXECUTIONS - 1} seeded executions of a 50-action pipeline (+ the template's and the real ones); data in ${run}`);
    const rows: Array<[string, Restart]> = [];
    for (const label of ['first', 'again']) {
      const figures = await restart(run, label);
      rows.push([label, figures]);
      console.log(`\nrestart ${label}:`);
      for (const line of figures.phases) console.log(`  ${line}`);
    }
    console.log('\n| restart | spawn → "running" | spawn → /readyz 200 | 1st execution (started at ready) | spawn → 1st execution done | 2nd execution |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [label, f] of rows) {
      console.log(`| ${label} | ${seconds(f.runningMs)} | ${seconds(f.readyMs)} | ${seconds(f.firstExecutionMs)} | ${seconds(f.readyMs + f.firstExecutionMs)} | ${seconds(f.secondExecutionMs)} |`);
    }
  } finally {
    if (process.env.SLUICE_BENCH_STARTUP_KEEP !== '1') rmSync(run, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
