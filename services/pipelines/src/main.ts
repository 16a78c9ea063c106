// The pipelines service alone (distributed mode): configured by environment variables (libs/runtime).
import { loadRuntimeConfig, openEventStore, runUntilSignal } from '@sluice/runtime';
import { createPipelinesApp } from './pipelines-app';

runUntilSignal(async () => {
  const config = loadRuntimeConfig(process.env);
  const eventStore = await openEventStore(config.eventStore);
  const app = await createPipelinesApp({ eventStore: eventStore.store, port: config.port });
  console.log(`pipelines service listening at ${app.url}/graphql — event store: ${eventStore.description}`);
  return async () => {
    await app.stop();
    await eventStore.store.close();
  };
});
