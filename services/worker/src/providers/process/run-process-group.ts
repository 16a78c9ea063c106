import { setTimeout as sleep } from 'node:timers/promises';
import type { LogStream } from '../action-provider';
import { groupAlive, signalGroup } from './process-group';
import { directLauncher, type LaunchedProcess, type ProcessLauncher } from './process-launcher';

export interface ProcessGroupOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the group. */
  killGraceMs: number;
  onOutput(stream: LogStream, chunk: string): void;
  /** Who starts the process (this process by default). */
  launcher?: ProcessLauncher;
}

export type ProcessGroupOutcome =
  | { status: 'exited'; exitCode: number }
  | { status: 'signalled'; signal: NodeJS.Signals }
  | { status: 'aborted' };

const pollMs = 20;

/**
 * Runs a command as the leader of its own process group and resolves once the whole group is gone.
 * On abort, and when the leader exits leaving background processes, the group gets SIGTERM, then
 * SIGKILL after the grace: nothing a job started outlives it (short of a `setsid`).
 */
export function runProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroupOutcome> {
  return new Promise<ProcessGroupOutcome>((resolve, reject) => {
    if (options.signal.aborted) return resolve({ status: 'aborted' });
    let exit: ProcessGroupOutcome | undefined;
    let aborted = false;
    let closed = false;
    let terminating: Promise<void> | undefined;
    let launched: LaunchedProcess | undefined;
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((done) => (markExited = done));
    const terminate = (): Promise<void> => (terminating ??= launched ? terminateGroup(launched.pid, options.killGraceMs, () => closed) : Promise.resolve());
    const onAbort = (): void => {
      aborted = true;
      void terminate();
    };
    const fail = (error: Error): void => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    };
    (options.launcher ?? directLauncher)
      .launch(
        { command: options.command, args: options.args, cwd: options.cwd, env: options.env },
        {
          output: options.onOutput,
          exit: (code, signal) => {
            exit = code !== null ? { status: 'exited', exitCode: code } : { status: 'signalled', signal: signal ?? 'SIGKILL' };
            markExited();
          },
          close: () => {
            closed = true;
          },
          // The process group still goes: nothing a job started outlives it.
          error: (error) => void terminate().finally(() => fail(error)),
        },
      )
      .then(async (process) => {
        launched = process;
        options.signal.addEventListener('abort', onAbort, { once: true });
        if (options.signal.aborted) onAbort();
        await exited;
        // Background processes keep the output pipes open: the leader's exit ends the job, so they go too.
        await terminate();
        options.signal.removeEventListener('abort', onAbort);
        // A process that left the group may still hold the pipes; the job does not wait for it.
        if (!closed) process.destroyPipes();
        resolve(aborted ? { status: 'aborted' } : (exit as ProcessGroupOutcome));
      }, reject)
      .catch(reject);
  });
}

async function terminateGroup(pgid: number, graceMs: number, closed: () => boolean): Promise<void> {
  if (!(await groupAlive(pgid))) return waitForPipes(closed, graceMs);
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await groupAlive(pgid))) return waitForPipes(closed, Math.max(0, deadline - Date.now()));
    await sleep(pollMs);
  }
  signalGroup(pgid, 'SIGKILL');
  // SIGKILL cannot be refused; the bound only guards against a platform where the check cannot see zombies.
  const killDeadline = Date.now() + Math.max(graceMs, 1000);
  while (Date.now() < killDeadline && (await groupAlive(pgid))) await sleep(pollMs);
  await waitForPipes(closed, graceMs);
}

/** The last output may still be in the pipes when the group is gone. */
async function waitForPipes(closed: () => boolean, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (!closed() && Date.now() < deadline) await sleep(5);
}
