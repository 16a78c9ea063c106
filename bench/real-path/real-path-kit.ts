import { spawn } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobSandbox } from '../../services/worker/src/sandbox/job-sandbox';
import { commandsAction, gitSourceStage, makeGitRepository, stage, type FixturePipeline } from '@sluice/testing/fixtures';

/** The pipeline of the user's path: a Git source, then `stages` stages of `parallel` Commands actions running `command`. */
export function realPathPipeline(name: string, repositoryUrl: string, options: { stages: number; parallel: number; command: string }): FixturePipeline {
  const actions = () => Array.from({ length: options.parallel }, (_, a) => commandsAction(`Action${a + 1}`, [options.command], { runOrder: 1, inputs: 'src' }));
  const stages = Array.from({ length: options.stages }, (_, s) => stage(`Stage${s + 1}`, ...actions()));
  return { name, stages: [gitSourceStage({ repositoryUrl, output: 'src', configuration: { DetectChanges: 'false' } }), ...stages] };
}

/** A one-commit repository of ten small files. */
export const makeRepository = (dir: string): Promise<string> => makeGitRepository(dir, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`file-${i}.txt`, `line ${i}\n`.repeat(50)])));

/** Runs a (sandbox-wrapped) command to its exit; rejects on a non-zero exit. */
export function spawnExit(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/**
 * Milliseconds of `command` run once in the jobs' sandbox, in a new workspace under `root` handed to the sandbox's
 * user: what a Commands job's command costs without the platform (the benches' reference).
 */
export async function sandboxedCommandMs(sandbox: JobSandbox, root: string, command: string, tag: string): Promise<number> {
  const workspace = await mkdtemp(join(root, 'command-'));
  if (sandbox.owner) await chown(workspace, sandbox.owner.uid, sandbox.owner.gid);
  const started = performance.now();
  const wrapped = await sandbox.wrap({ command: 'bash', args: ['-c', command], cwd: workspace, env: { PATH: '/usr/bin:/bin' }, folders: [workspace], network: true, jobId: tag });
  try {
    await spawnExit(wrapped.command, wrapped.args, wrapped.env, wrapped.cwd);
  } finally {
    await wrapped.finish();
  }
  return performance.now() - started;
}

/** A GraphQL call of a bench: the answer's data, or a throw on errors. */
export type BenchGraphql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Starts the `real-path` pipeline and polls every 20 ms until it succeeded; its execution id (a throw if it ended otherwise). */
export async function runRealPathToSuccess(gql: BenchGraphql): Promise<string> {
  const { startPipelineExecution } = await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "real-path") { pipelineExecutionId } }');
  const id = startPipelineExecution.pipelineExecutionId;
  for (;;) {
    const { getPipelineExecution } = await gql<{ getPipelineExecution: { status: string } }>('query($id: ID!) { getPipelineExecution(pipelineName: "real-path", pipelineExecutionId: $id) { status } }', { id });
    if (getPipelineExecution.status === 'Succeeded') return id;
    if (getPipelineExecution.status !== 'InProgress') throw new Error(`execution ${id} ended ${getPipelineExecution.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** CPU time (ms) of a process's threads, and of its children it has waited for, from /proc/<pid>/stat; 0 once it is gone. */
async function processCpuMs(pid: number): Promise<{ own: number; children: number }> {
  try {
    // Fields after the command's `)`: state is the 1st, utime the 12th, stime the 13th, cutime and cstime the 14th and 15th.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / CLOCK_TICKS;
    return { own: (Number(fields[11]) + Number(fields[12])) * tick, children: (Number(fields[13]) + Number(fields[14])) * tick };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every architecture Node runs on). */
const CLOCK_TICKS = 100;

/** The process ids a process started (its threads' children), from /proc. */
async function childProcesses(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const children = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return children.flatMap((text) => text.trim().split(/\s+/).filter(Boolean).map(Number));
}

/** CPU so far (ms) of a platform's process, and of what it started with what those waited for (the launcher, git, the jobs). */
export async function platformCpuMs(pid: number): Promise<{ platform: number; started: number }> {
  const [own, children] = await Promise.all([processCpuMs(pid), childProcesses(pid)]);
  const started = own.children + (await Promise.all(children.map(processCpuMs))).reduce((sum, cpu) => sum + cpu.own + cpu.children, 0);
  return { platform: own.own, started };
}

/** Busy and total CPU time (ms, all cores) of the machine since boot, from /proc/stat. */
export async function machineCpuMs(): Promise<{ busy: number; total: number }> {
  const [, ...values] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  // idle and iowait
  const idle = ticks[3]! + (ticks[4] ?? 0);
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
}
