import { createPostgresEventStore, type EventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import type { GatewayOptions, RunningGateway } from '../gateway-server';
import { dropTestSchema, newTestSchema, startSubgraphProcesses, type SubgraphProcesses } from './subgraph-processes';
import { startTestGateway } from './test-gateway';

/** What most gateway e2e specs start first: the subgraphs as OS processes, the store they write to, the gateway in front. */
export interface GatewayOnSubgraphs {
  /** The PostgreSQL schema of the store, fresh for the one test file. */
  schema: string;
  subgraphs: SubgraphProcesses;
  eventStore: EventStore;
  gateway: RunningGateway;
  /** Stops the gateway and the processes, closes the store and drops its schema. */
  stop(): Promise<void>;
}

export interface GatewayOnSubgraphsOptions {
  /** Given to `startSubgraphProcesses` (internal secret, environment). */
  subgraphs?: Parameters<typeof startSubgraphProcesses>[1];
  /** The gateway's options, which may name the processes (an AWS access-key reader on the permissions process). */
  gateway?: (subgraphs: SubgraphProcesses) => Partial<GatewayOptions>;
  /** A wrapper of the store the gateway writes to, for a test that breaks or watches its writes. */
  wrapStore?: (store: EventStore) => EventStore;
}

/** Starts them on a fresh PostgreSQL schema. */
export async function startGatewayOnSubgraphs({ subgraphs: processOptions, gateway: gatewayOptions, wrapStore = (store) => store }: GatewayOnSubgraphsOptions = {}): Promise<GatewayOnSubgraphs> {
  const schema = newTestSchema();
  let subgraphs: SubgraphProcesses | undefined;
  let eventStore: EventStore | undefined;
  let gateway: RunningGateway | undefined;
  const stop = async () => {
    await gateway?.stop();
    await subgraphs?.stop();
    await eventStore?.close();
    await dropTestSchema(schema);
  };
  try {
    subgraphs = await startSubgraphProcesses(schema, processOptions);
    eventStore = wrapStore(await createPostgresEventStore({ connectionString: testPostgresUrl(), schema }));
    gateway = await startTestGateway(subgraphs, eventStore, gatewayOptions?.(subgraphs));
    return { schema, subgraphs, eventStore, gateway, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
