import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, testPostgresUrl } from '@sluice/testing';

/**
 * For the test file that calls it: before its tests, the service `start` starts on `schema` and the PostgreSQL
 * store it writes to, opened for the tests to read or seed; after them, both stopped and the schema dropped.
 * The fields are there once the file's tests run.
 */
export function serviceOnStoreForFile<S extends { stop(): Promise<void> }>(schema: string, start: (schema: string) => Promise<S>): { service: S; store: PostgresEventStore } {
  const running = {} as { service: S; store: PostgresEventStore };
  beforeAll(async () => {
    running.service = await start(schema);
    running.store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  });
  afterAll(async () => {
    await running.service?.stop();
    await running.store?.close();
    await dropTestSchema(schema);
  });
  return running;
}
