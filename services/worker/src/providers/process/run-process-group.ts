import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogStream } from '../action-provider';
import { groupAlive, signalGroup } from './process-group';

export interface ProcessGroupOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the group. */
  killGraceMs: number;
  onOutput(stream: LogStream, chunk: string): void;
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
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pgid = child.pid;
    if (pgid === undefined) {
      child.once('error', reject);
      return;
    }
    let exit: ProcessGroupOutcome | undefined;
    let aborted = false;
    let terminating: Promise<void> | undefined;
    const terminate = (): Promise<void> => (terminating ??= terminateGroup(pgid, options.killGraceMs, () => closed));
    let closed = false;

    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream].on('data', (data: Buffer) => {
        const text = decoder.write(data);
        if (text !== '') options.onOutput(stream, text);
      });
      child[stream].on('end', () => {
        const rest = decoder.end();
        if (rest !== '') options.onOutput(stream, rest);
      });
    }
    const onAbort = (): void => {
      aborted = true;
      void terminate();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      exit = code !== null ? { status: 'exited', exitCode: code } : { status: 'signalled', signal: signal ?? 'SIGKILL' };
      // Background processes keep the output pipes open: the leader's exit ends the job, so they go too.
      void terminate();
    });
    child.once('close', () => {
      closed = true;
    });
    void (async () => {
      await new Promise<void>((done) => child.once('exit', () => done()));
      await terminate();
      options.signal.removeEventListener('abort', onAbort);
      if (!closed) {
        // A process that left the group may still hold the pipes; the job does not wait for it.
        child.stdout.destroy();
        child.stderr.destroy();
      }
      resolve(aborted ? { status: 'aborted' } : (exit as ProcessGroupOutcome));
    })().catch(reject);
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
