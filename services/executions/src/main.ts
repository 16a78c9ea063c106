// The executions service alone (distributed mode): configured by environment variables (libs/runtime).
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { createPostgresProcessedEvents, startEventRelay, type EventRelay, type ProcessedEventsStore } from '@sluice/messaging';
import { loadRuntimeConfig, openBus, openEventStore, runUntilSignal } from '@sluice/runtime';
import { createExecutionsApp, relayConfigFrom } from './executions-app';

runUntilSignal(async () => {
  const config = loadRuntimeConfig(process.env);
  const relayConfig = relayConfigFrom(process.env, config.bus);
  const eventStore = await openEventStore(config.eventStore);
  const { bus, description: busDescription } = openBus(config.bus);
  const relay: EventRelay | null =
    relayConfig.kind === 'off'
      ? null
      : await startEventRelay({
          store: eventStore.store,
          // The in-process bus forgets everything when the process ends: its relay starts from the beginning each time.
          checkpoints: config.bus.kind === 'in-process' ? new InMemoryCheckpointStore() : eventStore.checkpoints,
          bus,
          subscriberId: relayConfig.kind === 'all-events' ? 'sluice-relay' : 'executions-relay',
          ...(relayConfig.kind === 'pipeline-events' ? { streamPrefixes: ['pipeline-'] } : {}),
          onError: (error, during) => console.error(`relay: ${during} failed, retrying: ${error instanceof Error ? error.message : String(error)}`),
        });
  // On Kafka a redelivery may reach another instance: the transition feed's dedupe must be shared (decision 0010).
  const processedEvents: (ProcessedEventsStore & { close(): Promise<void> }) | undefined =
    config.bus.kind === 'kafka' && config.eventStore.kind === 'postgres'
      ? await createPostgresProcessedEvents({ connectionString: config.eventStore.connectionString, schema: config.eventStore.schema, consumer: 'executions' })
      : undefined;
  const app = await createExecutionsApp({ store: eventStore.store, bus, port: config.port, processedEvents });
  console.log(
    `executions service listening at ${app.url}/graphql — event store: ${eventStore.description}; bus: ${busDescription}; relay: ${relayConfig.kind}`,
  );
  return async () => {
    await app.stop();
    await relay?.stop();
    await processedEvents?.close();
    await bus.close();
    await eventStore.store.close();
  };
});
