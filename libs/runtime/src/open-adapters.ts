import {
  connectEventStoreDb,
  createPostgresEventStore,
  InMemoryCheckpointStore,
  openEmbeddedEventStore,
  type CheckpointStore,
  type EventStore,
} from '@sluice/eventing';
import { createKafkaBus, InProcessBus, type Bus } from '@sluice/messaging';
import type { BusConfig, EventStoreConfig } from './runtime-config';

export interface OpenedEventStore {
  store: EventStore;
  /** Where subscribers keep checkpoints: in the store's database when it has one. */
  checkpoints: CheckpointStore;
  /** One line for logs: which adapter, where (no credentials). */
  description: string;
}

const withoutCredentials = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');

export async function openEventStore(config: EventStoreConfig): Promise<OpenedEventStore> {
  switch (config.kind) {
    case 'embedded': {
      const store = await openEmbeddedEventStore({ dataDir: config.dataDir });
      return { store, checkpoints: store.checkpoints, description: `embedded PostgreSQL (PGlite) in ${config.dataDir}` };
    }
    case 'postgres': {
      const store = await createPostgresEventStore({ connectionString: config.connectionString, schema: config.schema });
      return { store, checkpoints: store.checkpoints, description: `PostgreSQL ${withoutCredentials(config.connectionString)} (schema ${config.schema})` };
    }
    case 'eventstoredb': {
      const store = await connectEventStoreDb({ connectionString: config.connectionString });
      // KurrentDB has no table for checkpoints here; distributed deployments on it keep them in memory until a
      // checkpoint stream is chosen (services replay from the start after a restart, which is correct, only slower).
      return { store, checkpoints: new InMemoryCheckpointStore(), description: `KurrentDB/EventStoreDB ${withoutCredentials(config.connectionString)}` };
    }
  }
}

export function openBus(config: BusConfig): { bus: Bus; description: string } {
  switch (config.kind) {
    case 'in-process':
      return { bus: new InProcessBus(), description: 'in-process bus' };
    case 'kafka':
      return { bus: createKafkaBus({ brokers: config.brokers, clientId: config.clientId }), description: `Kafka ${config.brokers.join(',')}` };
  }
}
