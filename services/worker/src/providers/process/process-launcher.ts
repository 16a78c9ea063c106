import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { LogStream } from '../action-provider';

/** A command to start as the leader of a process group of its own, its stdout and stderr piped. */
export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What happens to a launched process, in order: output, then `close` (both pipes ended); `exit` comes either side of the output. */
export interface ProcessEvents {
  output(stream: LogStream, text: string): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
  close(): void;
  /** The process (or the launcher holding it) failed after it started. */
  error(error: Error): void;
}

export interface LaunchedProcess {
  /** Also the process group's id. */
  pid: number;
  /** Stops reading its pipes (a process that left the group may keep them open). */
  destroyPipes(): void;
}

/** Starts job processes; resolves once the process runs, rejects when it could not start (ENOENT…). */
export interface ProcessLauncher {
  launch(spec: ProcessSpec, events: ProcessEvents): Promise<LaunchedProcess>;
}

/**
 * Spawns from this process. Fine for a small process; from a large one (the embedded platform), every spawn is a
 * fork of the whole address space that blocks the event loop (see `startLauncherProcess`).
 */
export const directLauncher: ProcessLauncher = {
  launch(spec, events) {
    return new Promise<LaunchedProcess>((resolve, reject) => {
      const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const pid = child.pid;
      if (pid === undefined) {
        child.once('error', reject);
        return;
      }
      for (const stream of ['stdout', 'stderr'] as const) {
        const decoder = new StringDecoder('utf8');
        child[stream].on('data', (data: Buffer) => {
          const text = decoder.write(data);
          if (text !== '') events.output(stream, text);
        });
        child[stream].on('end', () => {
          const rest = decoder.end();
          if (rest !== '') events.output(stream, rest);
        });
      }
      child.once('exit', (code, signal) => events.exit(code, signal));
      child.once('close', () => events.close());
      child.once('error', (error) => events.error(error));
      resolve({
        pid,
        destroyPipes: () => {
          child.stdout.destroy();
          child.stderr.destroy();
        },
      });
    });
  },
};
