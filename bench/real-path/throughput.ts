/**
 * Throughput on the user's path (issue 18). `npx tsx bench/real-path/throughput.ts`
 *
 * The embedded platform as `npm start` runs it (SLUICE_WORKER_CONCURRENCY=4, jobs in the sandbox), the pipeline of
 * `run.ts` (a Git source, then 3 stages × 4 parallel commands) in PARALLEL execution mode, and SLUICE_BENCH_EXECUTIONS
 * (default 100) executions started at once through `/graphql`. Prints executions/s from the first start to the last
 * success, whether any was lost or failed, and where the first-started one finished. The baseline, in the same process
 * run: the same work done directly with the same isolation and the same 4 slots — per execution a `git clone` +
 * `git archive`, then 12 sandboxed commands — for as many executions.
 *
 * SLUICE_BENCH_MODE=distributed runs the executions on the topology of `npm run start:distributed` instead
 * (bench-target.ts: PostgreSQL, Kafka, each service its own process, one worker of the same 4 slots).
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadProviderConfig } from '../../services/worker/src/provider-config';
import { openJobSandbox } from '../../services/worker/src/sandbox/open-sandbox';
import { startBenchTarget, type BenchTarget } from './bench-target';
import { makeRepository, realPathPipeline, spawnExit } from './real-path-kit';

const EXECUTIONS = Number(process.env.SLUICE_BENCH_EXECUTIONS ?? 100);
const SLOTS = 4;
const STAGES = 3;
const PARALLEL = 4;
const COMMAND = 'true';
const run = promisify(execFile);

type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };

const pipeline = (repositoryUrl: string) => ({ ...realPathPipeline('throughput', repositoryUrl, { stages: STAGES, parallel: PARALLEL, command: COMMAND }), executionMode: 'PARALLEL' });

/** Runs `tasks` with at most `slots` at once. */
async function pool(tasks: Array<() => Promise<void>>, slots: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-throughput-'));
  await chmod(root, 0o711);
  const sandbox = await openJobSandbox(loadProviderConfig(process.env).sandbox);
  if (sandbox.kind !== 'bubblewrap') throw new Error(`the jobs have no sandbox here (${sandbox.description}): run scripts/ensure-sandbox.sh`);
  const repositoryUrl = await makeRepository(join(root, 'repo'));
  let platform: BenchTarget | undefined;
  try {
    // The baseline first: the same work, directly, 4 slots.
    const env = { PATH: '/usr/bin:/bin' };
    const baselineStarted = performance.now();
    const sources = Array.from({ length: EXECUTIONS }, (_, e) => async () => {
      const dir = join(root, `baseline-${e}`);
      await run('git', ['clone', '-q', '--depth', '1', '--branch', 'main', repositoryUrl, join(dir, 'clone')]);
      await run('git', ['-C', join(dir, 'clone'), 'archive', '--format=zip', '-o', join(dir, 'source.zip'), 'HEAD']);
    });
    await pool(sources, SLOTS);
    const workspace = await mkdtemp(join(root, 'work-'));
    if (sandbox.owner) await chown(workspace, sandbox.owner.uid, sandbox.owner.gid);
    const commands = Array.from({ length: EXECUTIONS * STAGES * PARALLEL }, (_, i) => async () => {
      const wrapped = await sandbox.wrap({ command: 'bash', args: ['-c', COMMAND], cwd: workspace, env, folders: [workspace], network: true, jobId: `bench-${i}` });
      try {
        await spawnExit(wrapped.command, wrapped.args, wrapped.env, wrapped.cwd);
      } finally {
        await wrapped.finish();
      }
    });
    await pool(commands, SLOTS);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    platform = await startBenchTarget(root, SLOTS);
    const url = platform.url;
    const token = platform.token;
    const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const answer = (await res.json()) as Answer<T>;
      if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
      return answer.data;
    };
    await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: pipeline(repositoryUrl) });
    const load = loadavg();
    const started = performance.now();
    const ids: string[] = [];
    // Started at once, in order: ids[0] is the first started.
    for (const answer of await Promise.all(
      Array.from({ length: EXECUTIONS }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i));
        return gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "throughput") { pipelineExecutionId } }');
      }),
    )) {
      ids.push(answer.startPipelineExecution.pipelineExecutionId);
    }
    const finishedAt = new Map<string, number>();
    const failed: string[] = [];
    const deadline = Date.now() + 30 * 60_000;
    while (finishedAt.size + failed.length < EXECUTIONS) {
      if (Date.now() > deadline) throw new Error(`${EXECUTIONS - finishedAt.size - failed.length} executions still running after 30 minutes`);
      const { listPipelineExecutions } = await gql<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string; status: string }> } }>(
        'query { listPipelineExecutions(pipelineName: "throughput", first: 1000) { nodes { pipelineExecutionId status } } }',
      );
      const now = performance.now();
      for (const node of listPipelineExecutions.nodes) {
        if (finishedAt.has(node.pipelineExecutionId) || failed.includes(node.pipelineExecutionId)) continue;
        if (node.status === 'Succeeded') finishedAt.set(node.pipelineExecutionId, now);
        else if (node.status !== 'InProgress') failed.push(node.pipelineExecutionId);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Math.max(...finishedAt.values()) - started) / 1000;
    const order = [...finishedAt.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const firstPlace = order.indexOf(ids[0]!) + 1;
    console.log(`throughput: ${EXECUTIONS} executions of a Git source + ${STAGES} stages × ${PARALLEL} sandboxed commands (${COMMAND}), PARALLEL mode, ${platform.description}`);
    console.log(`load average ${load.map((v) => v.toFixed(2)).join(' ')} before, ${loadavg().map((v) => v.toFixed(2)).join(' ')} after; ${cpus().length} CPUs`);
    console.log(`  Sluice:   ${seconds.toFixed(1)} s, ${(EXECUTIONS / seconds).toFixed(2)} executions/s (goal ≥ 5/s); succeeded ${finishedAt.size}, failed ${failed.length}, lost ${EXECUTIONS - finishedAt.size - failed.length}`);
    console.log(`  baseline: ${baselineSeconds.toFixed(1)} s, ${(EXECUTIONS / baselineSeconds).toFixed(2)} executions/s (the same clones, archives and sandboxed commands, ${SLOTS} at a time)`);
    console.log(`  ratio ${(seconds / baselineSeconds).toFixed(2)}x; the first-started execution finished ${firstPlace} of ${finishedAt.size}`);
  } finally {
    await platform?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
