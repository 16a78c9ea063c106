import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { randomBytes } from 'node:crypto';
import type { CustomActionTypeCommandHandlers } from '../application/custom-action-type-command-handlers';
import type { PipelineCommandHandlers } from '../application/pipeline-command-handlers';
import { composePipelines } from '../pipelines-service';
import { PipelinesProjection } from '../projections/pipelines-projection';
import { dropTestSchema, newTestSchema } from './test-schema';

/** The pipelines application and its live projection on a fresh PostgreSQL schema, without the HTTP edge. */
export interface PipelinesApplication {
  store: PostgresEventStore;
  projection: PipelinesProjection;
  pipelines: PipelineCommandHandlers;
  actionTypes: CustomActionTypeCommandHandlers;
  /** Stops the projection, closes the store and drops the schema. */
  stop(): Promise<void>;
}

/** Starts it with a clock that moves one second a reading from 2026-01-01T00:00:00Z. */
export async function startPipelinesApplication(): Promise<PipelinesApplication> {
  const schema = newTestSchema();
  let tick = 0;
  const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
  const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  const projection = new PipelinesProjection(store);
  await projection.start();
  const { pipelines, actionTypes } = composePipelines(store, projection, clock, aesGcmMasterKeyCipher(randomBytes(32)));
  return {
    store,
    projection,
    pipelines,
    actionTypes,
    stop: async () => {
      await projection.stop();
      await store.close();
      await dropTestSchema(schema);
    },
  };
}

/** For the test file that calls it: the application started before its tests and stopped after; its fields are there once they run. */
export function pipelinesApplicationForFile(): PipelinesApplication {
  const app = {} as PipelinesApplication;
  beforeAll(async () => void Object.assign(app, await startPipelinesApplication()));
  afterAll(() => app.stop?.());
  return app;
}
