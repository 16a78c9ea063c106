/**
 * The figure of record (issue 18): a user's pipeline on the user's path. `npx tsx bench/real-path/run.ts`
 *
 * The embedded platform is started as `npm start` starts it (its own process, the built-in worker, the job sandbox,
 * SLUICE_WORKER_CONCURRENCY=4), with a pipeline of a Git source on a local one-commit repository followed by
 * 3 stages × 4 parallel `Build/Sluice/Commands` actions. Each run is started through `/graphql` and polled every
 * 20 ms until it succeeds. In the same process run, the baseline does the same work directly with the same
 * isolation the jobs get: `git clone` + `git archive` of the repository, then 3 rounds of 4 commands run at once,
 * each inside the job sandbox.
 *
 * Prints, with the load average: median and p95 of both over SLUICE_BENCH_RUNS runs (default 20, after 2 warm-up
 * runs), their ratio; how far apart the four commands of a stage started (from the timestamps the commands print);
 * the per-action overhead (the action's time in the engine minus its command's own time in the sandbox, run alone and
 * run four at once as a stage's are); the source action against the clone + archive alone; and the CPU each execution
 * took (of the platform's process, of the processes it started, of the machine, from /proc), which on a machine whose
 * cores are busy through the execution says more than its wall time.
 *
 * SLUICE_BENCH_MODE=distributed runs the same on the topology of `npm run start:distributed` instead (bench-target.ts:
 * PostgreSQL, Kafka, each service its own process, one worker of the same 4 slots); the baseline is the same.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadProviderConfig } from '../../services/worker/src/provider-config';
import { openJobSandbox } from '../../services/worker/src/sandbox/open-sandbox';
import { median, percentile } from '../eventing/bench-kit';
import { benchMode, startBenchTarget, type BenchTarget } from './bench-target';
import { machineCpuMs, makeRepository, realPathPipeline, sandboxedCommandMs, spawnExit, runRealPathToSuccess } from './real-path-kit';

const RUNS = Number(process.env.SLUICE_BENCH_RUNS ?? 20);
const WARM_UP = 2;
const STAGES = 3;
const PARALLEL = 4;
const COMMAND = 'date +%s%N';
const run = promisify(execFile);

type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };

const pipeline = (repositoryUrl: string) => realPathPipeline('real-path', repositoryUrl, { stages: STAGES, parallel: PARALLEL, command: COMMAND });

interface Measured {
  totalMs: number;
  sourceMs: number;
  /** Per stage: latest command start minus earliest, in ms. */
  stageSpreadMs: number[];
  /** Per Commands action: its time in the engine (durationMs). */
  actionMs: number[];
  /** CPU (ms) during the execution: of the platform's process, of the processes it started (the launcher, the jobs), and of the whole machine. */
  cpu: { platformMs: number; startedMs: number; clientMs: number; machineBusyMs: number; machineMs: number };
}

/** CPU so far of the platform's processes, of the processes they started and what those waited for, and of the machine. */
async function cpuNow(platform: BenchTarget): Promise<{ platform: number; started: number; busy: number; total: number }> {
  const [cpu, machine] = await Promise.all([platform.cpuMs(), machineCpuMs()]);
  return { ...cpu, busy: machine.busy, total: machine.total };
}

async function runOnce(platform: BenchTarget): Promise<Measured> {
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` }, body: JSON.stringify({ query, variables }) });
    const answer = (await res.json()) as Answer<T>;
    if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };
  const cpuBefore = await cpuNow(platform);
  const client = process.cpuUsage();
  const started = performance.now();
  const id = await runRealPathToSuccess(gql);
  const totalMs = performance.now() - started;
  const clientUsage = process.cpuUsage(client);
  const cpuAfter = await cpuNow(platform);
  const cpu = {
    platformMs: cpuAfter.platform - cpuBefore.platform,
    startedMs: cpuAfter.started - cpuBefore.started,
    clientMs: (clientUsage.user + clientUsage.system) / 1000,
    machineBusyMs: cpuAfter.busy - cpuBefore.busy,
    machineMs: cpuAfter.total - cpuBefore.total,
  };
  const { listActionExecutions } = await gql<{ listActionExecutions: { nodes: Array<{ stageName: string; actionName: string; durationMs: number | null }> } }>(
    'query($id: ID!) { listActionExecutions(pipelineName: "real-path", pipelineExecutionId: $id) { nodes { stageName actionName durationMs } } }',
    { id },
  );
  const { actionLogs } = await gql<{ actionLogs: { entries: Array<{ stageName: string; actionName: string; stream: string; chunk: string }> } }>(
    'query($id: ID!) { actionLogs(pipelineExecutionId: $id, first: 5000) { entries { stageName actionName stream chunk } } }',
    { id },
  );
  const startNs = new Map<string, bigint>();
  for (const entry of actionLogs.entries) {
    const match = entry.stream === 'stdout' ? /^(\d{16,})$/m.exec(entry.chunk) : null;
    if (match) startNs.set(`${entry.stageName}/${entry.actionName}`, BigInt(match[1]!));
  }
  const stageSpreadMs = Array.from({ length: STAGES }, (_, s) => {
    const starts = Array.from({ length: PARALLEL }, (_, a) => startNs.get(`Stage${s + 1}/Action${a + 1}`)).filter((ns): ns is bigint => ns !== undefined);
    if (starts.length !== PARALLEL) throw new Error(`stage ${s + 1}: ${starts.length} of ${PARALLEL} commands printed their start`);
    const sorted = starts.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return Number(sorted[sorted.length - 1]! - sorted[0]!) / 1e6;
  });
  const source = listActionExecutions.nodes.find((node) => node.stageName === 'Source')!;
  const actionMs = listActionExecutions.nodes.filter((node) => node.stageName !== 'Source').map((node) => node.durationMs ?? Number.NaN);
  return { totalMs, sourceMs: source.durationMs ?? Number.NaN, stageSpreadMs, actionMs, cpu };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-real-path-'));
  // The jobs' folders are under it: the sandbox's user must pass through (not list) it.
  await chmod(root, 0o711);
  const sandbox = await openJobSandbox(loadProviderConfig(process.env).sandbox);
  if (sandbox.kind !== 'bubblewrap') throw new Error(`the jobs have no sandbox here (${sandbox.description}): run scripts/ensure-sandbox.sh`);
  const repositoryUrl = await makeRepository(join(root, 'repo'));
  const platform = await startBenchTarget(root, PARALLEL);
  try {
    const created = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` },
      body: JSON.stringify({ query: 'mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', variables: { p: pipeline(repositoryUrl) } }),
    });
    const answer = (await created.json()) as Answer<unknown>;
    if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));

    // The baseline: the same work, directly, with the jobs' isolation.
    const env = { PATH: '/usr/bin:/bin' };
    const baselineOnce = async (): Promise<{ totalMs: number; sourceMs: number; machineBusyMs: number }> => {
      const dir = await mkdtemp(join(root, 'baseline-'));
      await chmod(dir, 0o711);
      const machineBefore = await machineCpuMs();
      const started = performance.now();
      await run('git', ['clone', '-q', '--depth', '1', '--branch', 'main', repositoryUrl, join(dir, 'clone')]);
      await run('git', ['-C', join(dir, 'clone'), 'archive', '--format=zip', '-o', join(dir, 'source.zip'), 'HEAD']);
      const sourceMs = performance.now() - started;
      const workspace = join(dir, 'work');
      await run('mkdir', ['-p', workspace]);
      if (sandbox.owner) await chown(workspace, sandbox.owner.uid, sandbox.owner.gid);
      for (let s = 0; s < STAGES; s += 1) {
        await Promise.all(
          Array.from({ length: PARALLEL }, async (_, a) => {
            const wrapped = await sandbox.wrap({ command: 'bash', args: ['-c', COMMAND], cwd: workspace, env, folders: [workspace], network: true, jobId: `bench-${s}-${a}` });
            try {
              await spawnExit(wrapped.command, wrapped.args, wrapped.env, wrapped.cwd);
            } finally {
              await wrapped.finish();
            }
          }),
        );
      }
      const totalMs = performance.now() - started;
      const machineBusyMs = (await machineCpuMs()).busy - machineBefore.busy;
      await rm(dir, { recursive: true, force: true });
      return { totalMs, sourceMs, machineBusyMs };
    };
    const commandOnce = (tag = 'bench-command'): Promise<number> => sandboxedCommandMs(sandbox, root, COMMAND, tag);

    for (let i = 0; i < WARM_UP; i += 1) {
      await runOnce(platform);
      await baselineOnce();
    }
    const load = loadavg();
    const sluice: Measured[] = [];
    const baseline: Array<{ totalMs: number; sourceMs: number; machineBusyMs: number }> = [];
    const command: number[] = [];
    // The command's own time when a stage's four run at once, as the engine runs them: each one's own duration.
    const commandInStage: number[] = [];
    // Interleaved, so that a change of load falls on both.
    for (let i = 0; i < RUNS; i += 1) {
      sluice.push(await runOnce(platform));
      baseline.push(await baselineOnce());
      command.push(await commandOnce());
      commandInStage.push(...(await Promise.all(Array.from({ length: PARALLEL }, (_, a) => commandOnce(`bench-command-${a}`)))));
    }
    const loadAfter = loadavg();
    const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
    const totals = sluice.map((m) => m.totalMs);
    const baseTotals = baseline.map((b) => b.totalMs);
    const spreads = sluice.flatMap((m) => m.stageSpreadMs);
    const overheads = sluice.flatMap((m) => m.actionMs.map((value) => value - median(command)));
    const overheadsInStage = sluice.flatMap((m) => m.actionMs.map((value) => value - median(commandInStage)));
    const sources = sluice.map((m) => m.sourceMs);
    const baseSources = baseline.map((b) => b.sourceMs);
    console.log(`real path: Git source + ${STAGES} stages × ${PARALLEL} parallel Commands (${COMMAND}), ${platform.description}`);
    console.log(`job sandbox: ${sandbox.description}`);
    console.log(`${RUNS} runs each after ${WARM_UP} warm-up runs, interleaved; load average ${load.map((v) => v.toFixed(2)).join(' ')} before, ${loadAfter.map((v) => v.toFixed(2)).join(' ')} after; ${cpus().length} CPUs`);
    console.log(`  Sluice, start → Succeeded          p50 ${ms(median(totals))}   p95 ${ms(percentile(totals, 95))}`);
    console.log(`  baseline (clone, archive, commands) p50 ${ms(median(baseTotals))}   p95 ${ms(percentile(baseTotals, 95))}`);
    console.log(`  ratio                              p50 ${(median(totals) / median(baseTotals)).toFixed(2)}x   p95 ${(percentile(totals, 95) / percentile(baseTotals, 95)).toFixed(2)}x   (goal: ${benchMode() === 'distributed' ? 'p50 ≤ 2.5x' : 'p50 ≤ 1.5x, p95 ≤ 2x'})`);
    console.log(`  the 4 commands of a stage started within: p50 ${median(spreads).toFixed(1)} ms, p95 ${percentile(spreads, 95).toFixed(1)} ms, max ${Math.max(...spreads).toFixed(1)} ms   (goal: ≤ 20 ms)`);
    console.log(`  per-action overhead (engine time − the command's own ${median(command).toFixed(0)} ms in the sandbox): p50 ${median(overheads).toFixed(0)} ms, p95 ${percentile(overheads, 95).toFixed(0)} ms   (goal: p50 ≤ 15 ms)`);
    console.log(`  per-action overhead against the command's own ${median(commandInStage).toFixed(0)} ms when ${PARALLEL} run at once (as a stage's do): p50 ${median(overheadsInStage).toFixed(0)} ms, p95 ${percentile(overheadsInStage, 95).toFixed(0)} ms`);
    const cpuMs = (pick: (m: Measured) => number) => median(sluice.map(pick)).toFixed(0);
    const busy = sluice.reduce((sum, m) => sum + m.cpu.machineBusyMs, 0) / sluice.reduce((sum, m) => sum + m.cpu.machineMs, 0);
    console.log(
      `  CPU per execution, p50: the platform's ${benchMode() === 'distributed' ? 'processes' : 'process'} ${cpuMs((m) => m.cpu.platformMs)} ms (${benchMode() === 'distributed' ? 'every service, engine, gateway and worker; PostgreSQL and Kafka count in the machine' : "its main thread and PGlite's"}), the processes it started ${cpuMs((m) => m.cpu.startedMs)} ms (the launcher, git, the jobs' sandboxes and commands), this bench's client polling ${cpuMs((m) => m.cpu.clientMs)} ms, the machine ${cpuMs((m) => m.cpu.machineBusyMs)} ms (the baseline's run: ${median(baseline.map((b) => b.machineBusyMs)).toFixed(0)} ms); the machine busy ${(busy * 100).toFixed(0)}% of its ${cpus().length} cores while executions ran`,
    );
    console.log(`  source action p50 ${ms(median(sources))} vs clone + archive p50 ${ms(median(baseSources))}: ${(median(sources) / median(baseSources)).toFixed(2)}x   (goal: ≤ 2x)`);
  } finally {
    await platform.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
