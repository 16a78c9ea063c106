// The engine alone in a process, configured like every Sluice process (libs/runtime): for the crash test,
// which kill -9s it. With an in-process bus, pipeline events reach it through its own relay from the store.
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { startEventRelay } from '@sluice/messaging';
import { loadRuntimeConfig, openBus, openEventStore, runUntilSignal } from '@sluice/runtime';
import { createExecutionsEngine } from '../executions-service';

const ENGINE_READY_LINE = 'executions engine ready';

runUntilSignal(async () => {
  const config = loadRuntimeConfig(process.env);
  const eventStore = await openEventStore(config.eventStore);
  const { bus } = openBus(config.bus);
  const relay = await startEventRelay({
    store: eventStore.store,
    checkpoints: config.bus.kind === 'in-process' ? new InMemoryCheckpointStore() : eventStore.checkpoints,
    bus,
    subscriberId: 'executions-engine-relay',
    streamPrefixes: ['pipeline-'],
  });
  const engine = await createExecutionsEngine({ store: eventStore.store, bus });
  console.log(`${ENGINE_READY_LINE} (pid ${process.pid}) — event store: ${eventStore.description}`);
  return async () => {
    await engine.stop();
    await relay.stop();
    await bus.close();
    await eventStore.store.close();
  };
});
