import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LauncherReply, LauncherRequest } from './launcher-protocol';
import type { LaunchedProcess, ProcessEvents, ProcessLauncher, ProcessSpec } from './process-launcher';

export interface LauncherProcess extends ProcessLauncher {
  /** Ends the launcher's process; processes it started are their job's to stop. */
  close(): Promise<void>;
}

/** Node's arguments that run a TypeScript entry of the workspace. */
export type EntryArguments = (entry: string) => string[];

/** The entry's source through tsx, named by its file (the platform's working folder may be any folder). */
const throughTsx: EntryArguments = (entry) => ['--import', pathToFileURL(require.resolve('tsx')).href, entry];

/**
 * The launcher's main run as this process's own runs: through the compiled bundles' runner (`run-compiled.mjs`,
 * decision 0058) when it started this process — the distributed worker under `npm run start:distributed` — else through tsx.
 */
export function entryArgumentsOfThisProcess(argv: readonly string[] = process.argv): EntryArguments {
  const runner = argv[1];
  return runner !== undefined && basename(runner) === 'run-compiled.mjs' ? (entry) => [runner, entry] : throughTsx;
}

interface Pending {
  events: ProcessEvents;
  started?: (launched: LaunchedProcess) => void;
  refused?: (error: Error) => void;
}

/**
 * Job processes started by a small process of their own instead of the platform's (issue 18). `spawn` forks the
 * caller: from the embedded platform, with its heap and its embedded database, that blocked the event loop for
 * 20–40 ms per command, one command after another, so the four actions of a stage started 60 ms apart and every
 * engine step waited behind the forks. The launcher process is started on first use and again after it died;
 * a job whose process it held when it died fails with that reason. `entryArguments` says how its main runs: through
 * tsx unless the caller has a faster way (the platform passes its compiled bundle's runner, decision 0058).
 */
export function startLauncherProcess(entryArguments: EntryArguments = throughTsx): LauncherProcess {
  let child: ChildProcess | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const onReply = (reply: LauncherReply): void => {
    const entry = pending.get(reply.id);
    if (entry === undefined) return;
    switch (reply.t) {
      case 'started':
        entry.started?.({ pid: reply.pid, destroyPipes: () => request({ t: 'destroy', id: reply.id }) });
        entry.started = entry.refused = undefined;
        return;
      case 'refused':
        pending.delete(reply.id);
        if (pending.size === 0) child?.channel?.unref();
        entry.refused?.(Object.assign(new Error(reply.message), { code: reply.code }));
        return;
      case 'output':
        return entry.events.output(reply.stream, reply.text);
      case 'exit':
        return entry.events.exit(reply.code, reply.signal);
      case 'close':
        pending.delete(reply.id);
        return entry.events.close();
      case 'error':
        return entry.events.error(new Error(reply.message));
    }
  };

  const launcher = (): ChildProcess => {
    if (child && child.exitCode === null && child.signalCode === null && child.connected) return child;
    const main = join(__dirname, 'launcher-process-main.ts');
    const started = spawn(process.execPath, entryArguments(main), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    started.on('message', (reply: LauncherReply) => onReply(reply));
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      const reason = new Error(`the job process launcher stopped (${signal ?? `exit ${code}`})`);
      for (const [id, entry] of pending) {
        pending.delete(id);
        if (entry.refused) entry.refused(reason);
        else entry.events.error(reason);
      }
    });
    // A launcher with nothing to do does not keep the platform alive.
    started.unref();
    started.channel?.unref();
    child = started;
    return started;
  };

  const request = (message: LauncherRequest): void => {
    const target = launcher();
    if (pending.size > 0) target.channel?.ref();
    target.send(message);
  };

  return {
    launch(spec: ProcessSpec, events: ProcessEvents): Promise<LaunchedProcess> {
      const id = nextId++;
      return new Promise<LaunchedProcess>((resolve, reject) => {
        pending.set(id, {
          events: {
            ...events,
            close: () => {
              events.close();
              if (pending.size === 0) child?.channel?.unref();
            },
          },
          started: resolve,
          refused: reject,
        });
        request({ t: 'launch', id, spec });
      });
    },
    async close() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.disconnect();
      await exited;
    },
  };
}
