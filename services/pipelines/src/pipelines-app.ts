import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { EventStore } from '@sluice/eventing';
import type { Clock } from './application/caller';
import { PipelinesModule } from './pipelines.module';
import { PipelinesProjection } from './projections/pipelines-projection';

export interface PipelinesAppOptions {
  eventStore: EventStore;
  /** 0 picks a free port. */
  port: number;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface PipelinesApp {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  projection: PipelinesProjection;
  /** Stops serving and the projection; the event store stays open (its owner closes it). */
  stop(): Promise<void>;
}

/** The pipelines subgraph on a given event store: composition only. */
export async function createPipelinesApp(options: PipelinesAppOptions): Promise<PipelinesApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  const projection = new PipelinesProjection(options.eventStore, { onError: (error) => log(`pipelines projection stopped: ${error.message}`) });
  await projection.start();
  const app = await NestFactory.create(
    PipelinesModule.register({ eventStore: options.eventStore, projection, clock: options.clock ?? (() => new Date()), log }),
    // The GraphQL handler reads bodies itself, with an explicit limit (api/graphql-http-handler.ts).
    { bodyParser: false, logger: ['error', 'warn'] },
  );
  try {
    await app.listen(options.port);
  } catch (error) {
    await app.close();
    await projection.stop();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    projection,
    async stop() {
      await app.close();
      await projection.stop();
    },
  };
}
