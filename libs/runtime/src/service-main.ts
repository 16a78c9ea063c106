import { createLogger, logConfigFrom, type LogFields, type Logger } from './logger';
import { openEventStore, type OpenedEventStore } from './open-adapters';
import { checkReadiness, eventStoreCheck, type ReadinessReport } from './readiness';
import { runUntilSignal } from './run-until-signal';
import { ConfigError, type ConfigProblems, type Env, type RuntimeConfig } from './runtime-config';

/** What a started service says once it serves, and how it stops. */
export interface StartedService {
  /** The "listening" line, e.g. `pipelines service listening at http://127.0.0.1:4001/graphql — event store: …`. */
  message: string;
  fields?: LogFields;
  /** In-flight work drained, then what the service opened closed, in reverse. */
  stop(): Promise<void>;
}

export interface ServiceMainOptions<Config, Context> {
  /** On every log line (`pipelines`, `executions`, …). */
  service: string;
  /** The process's environment: read by `loadConfig` (and the log settings), nowhere else. */
  env: Env;
  /** The service's `<service>-config.ts`: every bad variable named at once, as a `ConfigError`. */
  loadConfig: (env: Env) => Config;
  start: (config: Config, context: Context) => Promise<StartedService>;
}

/** What `serviceMainOnStore` gives `start` besides the logger. */
export interface StoreServiceContext {
  logger: Logger;
  /** Opened from `config.runtime.eventStore` before `start`, closed after the service's `stop` (or when `start` fails). */
  eventStore: OpenedEventStore;
  /** `/readyz`'s check of that store, for the service to answer with. */
  readiness: () => Promise<ReadinessReport>;
}

/**
 * A service's `main.ts`: JSON logs (SLUICE_LOG_FORMAT, SLUICE_LOG_LEVEL), its configuration loaded before anything
 * opens, then up until SIGINT/SIGTERM (`runUntilSignal`). A bad variable ends the process with its name, no stack.
 */
export function serviceMain<Config>(options: ServiceMainOptions<Config, { logger: Logger }>): void {
  const problems: ConfigProblems = [];
  const logger = createLogger({ service: options.service, ...logConfigFrom(options.env, problems) });
  runUntilSignal(
    async () => {
      if (problems.length > 0) throw new ConfigError(problems);
      const started = await options.start(options.loadConfig(options.env), { logger });
      logger.info(started.message, { pid: process.pid, ...started.fields });
      return () => started.stop();
    },
    { logger, service: options.service },
  );
}

/** `serviceMain` for a service on the event store: the store opened first (`config.runtime.eventStore`) and closed last. */
export function serviceMainOnStore<Config extends { runtime: RuntimeConfig }>(options: ServiceMainOptions<Config, StoreServiceContext>): void {
  serviceMain({
    ...options,
    async start(config, { logger }) {
      const eventStore = await openEventStore(config.runtime.eventStore);
      const store = eventStoreCheck(eventStore.store);
      const started = await options.start(config, { logger, eventStore, readiness: () => checkReadiness({ store }) }).catch(async (error: unknown) => {
        await eventStore.store.close();
        throw error;
      });
      return {
        ...started,
        async stop() {
          await started.stop();
          await eventStore.store.close();
        },
      };
    },
  });
}
