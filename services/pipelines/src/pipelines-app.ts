import { serveSubgraph, type ServeSubgraphOptions } from '@sluice/graphql-service';
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
  /** What `/readyz` checks (the store, in distributed mode). */
  readiness?: ServeSubgraphOptions['readiness'];
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
  const module = PipelinesModule.register({ eventStore: options.eventStore, projection, clock: options.clock ?? (() => new Date()), log });
  const served = await serveSubgraph(module, options.port, { readiness: options.readiness }).catch(async (error: unknown) => {
    await projection.stop();
    throw error;
  });
  return {
    url: served.url,
    projection,
    async stop() {
      await served.close();
      await projection.stop();
    },
  };
}
