/**
 * The process launcher's own process (`startLauncherProcess`): spawns what its parent asks over the IPC channel and
 * sends back the pid, the output, the exit and the close. It holds almost no memory, so a spawn here costs a
 * fraction of one from the platform, and never blocks the platform's event loop. It ends with its parent.
 */
import { directLauncher, type LaunchedProcess } from './process-launcher';
import type { LauncherReply, LauncherRequest } from './launcher-protocol';

const send = (reply: LauncherReply): void => void process.send?.(reply);
const running = new Map<number, LaunchedProcess>();

process.on('message', (request: LauncherRequest) => {
  if (request.t === 'destroy') return running.get(request.id)?.destroyPipes();
  const { id } = request;
  directLauncher
    .launch(request.spec, {
      output: (stream, text) => send({ t: 'output', id, stream, text }),
      exit: (code, signal) => send({ t: 'exit', id, code, signal }),
      close: () => {
        running.delete(id);
        send({ t: 'close', id });
      },
      error: (error) => send({ t: 'error', id, message: error.message }),
    })
    .then(
      (launched) => {
        running.set(id, launched);
        send({ t: 'started', id, pid: launched.pid });
      },
      (error: NodeJS.ErrnoException) => send({ t: 'refused', id, message: error.message, code: error.code }),
    );
});
// The parent is gone (stopped, or killed): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
