import type { EventStore } from '../event-store';
import type { DurableProjection } from './durable-projection';
import { DurableProjectionRunner, type DurableProjectionRunnerOptions } from './durable-projection-runner';
import { openReadModelDatabase, type ReadModelDatabase } from './read-model-database';

export interface OpenedDurableReadModel<M extends DurableProjection> {
  readonly model: M;
  /** Not started: the service starts it when its start-up order says (alone, or beside an in-memory replay). */
  readonly runner: DurableProjectionRunner;
  readonly database: ReadModelDatabase;
  /** Stops the runner, then closes the database (the store's own stays open: it is the store's). */
  close(): Promise<void>;
}

/** What a service passes on from its projection's options; an option left undefined takes the runner's default. */
export type DurableReadModelOptions = Omit<DurableProjectionRunnerOptions, 'waitTimeoutMs' | 'onError'> & {
  waitTimeoutMs?: number | undefined;
  onError?: ((error: Error) => void) | undefined;
};

/**
 * A service's durable read model (decision 0048) on its store's read-model database (the store's own, or an in-memory
 * PGlite for KurrentDB), with the runner that keeps it live: what every service holding one opens and closes alike.
 */
export async function openDurableReadModel<M extends DurableProjection>(
  store: EventStore,
  make: (database: ReadModelDatabase) => M,
  options: DurableReadModelOptions = {},
): Promise<OpenedDurableReadModel<M>> {
  const opened = await openReadModelDatabase(store);
  const model = make(opened.database);
  const { waitTimeoutMs, onError, ...rest } = options;
  const runner = new DurableProjectionRunner(store, opened.database, model, {
    ...rest,
    ...(waitTimeoutMs !== undefined ? { waitTimeoutMs } : {}),
    ...(onError ? { onError } : {}),
  });
  return {
    model,
    runner,
    database: opened.database,
    async close() {
      await runner.stop();
      await opened.close();
    },
  };
}
