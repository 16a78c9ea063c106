import { ConfigError } from './runtime-config';

/**
 * Runs a process's `start` and keeps it up until SIGINT/SIGTERM, then calls the `stop` it returned.
 * A configuration error prints its list of bad variables, without a stack; exit code 1 on any failure.
 */
export function runUntilSignal(start: () => Promise<() => Promise<void>>): void {
  start().then(
    (stop) => {
      const shutdown = (signal: string) => {
        console.log(`${signal}: stopping…`);
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    },
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
