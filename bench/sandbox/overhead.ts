/**
 * What the job sandbox costs one command: `npx tsx bench/sandbox/overhead.ts`. In the same run, N times
 * each (SLUICE_BENCH_SANDBOX_RUNS, default 30): `bash -c true` spawned directly (the baseline), and the same
 * through the job sandbox exactly as the Commands provider spawns it (bubblewrap, the job user, the
 * rlimits and, where the worker can make one, a cgroup per job, made and removed each time). Prints the
 * median and p95 of each, their difference and the load average.
 */
import { spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProviderConfig } from '../../services/worker/src/provider-config';
import { openJobSandbox } from '../../services/worker/src/sandbox/open-sandbox';
import { median, percentile } from '../eventing/bench-kit';

const RUNS = Number(process.env.SLUICE_BENCH_SANDBOX_RUNS ?? 30);

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

async function timed(times: number, once: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const sandbox = await openJobSandbox(loadProviderConfig(process.env).sandbox);
  if (sandbox.kind !== 'bubblewrap') throw new Error(`no sandbox to measure: ${sandbox.description}`);
  const workspace = await mkdtemp(join(tmpdir(), 'sluice-bench-sandbox-'));
  if (sandbox.owner) await chown(workspace, sandbox.owner.uid, sandbox.owner.gid);
  const env = { PATH: '/usr/bin:/bin' };
  try {
    const load = loadavg();
    const direct = await timed(RUNS, () => run('bash', ['-c', 'true'], env, workspace));
    const sandboxed = await timed(RUNS, async () => {
      const wrapped = await sandbox.wrap({ command: 'bash', args: ['-c', 'true'], cwd: workspace, env, folders: [workspace], network: true, jobId: 'bench' });
      try {
        await run(wrapped.command, wrapped.args, wrapped.env, wrapped.cwd);
      } finally {
        await wrapped.finish();
      }
    });
    const line = (name: string, samples: number[]) => `${name.padEnd(34)} p50 ${median(samples).toFixed(1).padStart(6)} ms   p95 ${percentile(samples, 95).toFixed(1).padStart(6)} ms`;
    console.log(`job sandbox: ${sandbox.description}`);
    console.log(`${RUNS} runs each; load average ${load.map((value) => value.toFixed(2)).join(' ')} (1, 5, 15 min) on ${cpus().length} CPUs`);
    console.log(line('bash -c true (baseline)', direct));
    console.log(line('bash -c true in the job sandbox', sandboxed));
    console.log(`sandbox cost per command: ${(median(sandboxed) - median(direct)).toFixed(1)} ms at the median (${(median(sandboxed) / median(direct)).toFixed(1)}x)`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
