import type { Logger } from './logger';
import { ConfigError } from './runtime-config';
import { startTracing, type Tracing } from './tracing';

export interface RunUntilSignalOptions {
  /** Where "stopping"/"stopped" and a failure go; default: the console. */
  logger?: Logger;
  /**
   * Bound of the whole `stop` (default 60 s): past it the process exits with code 1 anyway, so a hung
   * drain cannot keep a stopping process alive. A second signal exits at once (code 1).
   */
  stopTimeoutMs?: number;
  /** The process's name in its traces (`service.name`; OTEL_SERVICE_NAME wins), default `sluice`: see `startTracing`. */
  service?: string;
}

/**
 * Runs a process's `start` and keeps it up until SIGINT/SIGTERM, then calls the `stop` it returned (in-flight
 * work drained, bounded). A configuration error prints its list of bad variables, each named, without a stack;
 * exit code 1 on any failure. Traces are exported while it runs when OTEL_EXPORTER_OTLP_ENDPOINT is set (`startTracing`).
 */
export function runUntilSignal(start: () => Promise<() => Promise<void>>, options: RunUntilSignalOptions = {}): void {
  const info = (msg: string) => (options.logger ? options.logger.info(msg) : console.log(msg));
  const fail = (msg: string, error: unknown) => (options.logger ? options.logger.error(msg, { error }) : console.error(error));
  let stopping = false;
  let pending: NodeJS.Signals | undefined;
  const early = (signal: NodeJS.Signals) => {
    // A signal while starting: stop as soon as the start is done (a second one exits at once).
    if (pending) {
      info(`${signal} again while starting: exiting without waiting`);
      process.exit(1);
    }
    pending = signal;
    info(`${signal} while starting: stopping once started…`);
    // A start that never ends must not keep a stopping process alive either.
    setTimeout(() => {
      fail(`still starting ${options.stopTimeoutMs ?? 60_000} ms after ${signal}: exiting`, new Error('start did not finish'));
      process.exit(1);
    }, options.stopTimeoutMs ?? 60_000).unref();
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  // Before anything starts, so every span of the process has the provider; its last spans are flushed after `stop`. A
  // bad OTEL_* variable fails the start as any other configuration error.
  let tracing: Tracing = { enabled: false, shutdown: async () => undefined };
  let starting: Promise<() => Promise<void>>;
  try {
    tracing = startTracing(options.service ?? 'sluice');
    starting = start();
  } catch (error) {
    starting = Promise.reject(error);
  }
  starting.then(
    (stop) => {
      process.off('SIGINT', early);
      process.off('SIGTERM', early);
      const shutdown = (signal: string) => {
        if (stopping) {
          info(`${signal} again: exiting without waiting`);
          process.exit(1);
        }
        stopping = true;
        info(`${signal}: stopping…`);
        const timeoutMs = options.stopTimeoutMs ?? 60_000;
        const timer = setTimeout(() => {
          fail(`stop did not finish within ${timeoutMs} ms: exiting`, new Error('stop timed out'));
          process.exit(1);
        }, timeoutMs);
        timer.unref();
        stop()
          .finally(() => tracing.shutdown())
          .then(
            () => {
              info('stopped');
              process.exit(0);
            },
            (error: unknown) => {
              fail('stop failed', error);
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      if (pending) shutdown(pending);
    },
    (error: unknown) => {
      if (error instanceof ConfigError) console.error(error.message);
      else fail('start failed', error);
      process.exit(1);
    },
  );
}
