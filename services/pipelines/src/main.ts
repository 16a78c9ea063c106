// The pipelines service alone (distributed mode): configured by environment variables (libs/runtime).
import { ConfigError, loadRuntimeConfig, openEventStore } from '@sluice/runtime';
import { createPipelinesApp } from './pipelines-app';

async function main(): Promise<void> {
  const config = loadRuntimeConfig(process.env);
  const eventStore = await openEventStore(config.eventStore);
  const app = await createPipelinesApp({ eventStore: eventStore.store, port: config.port });
  console.log(`pipelines service listening at ${app.url}/graphql — event store: ${eventStore.description}`);
  const shutdown = (signal: string) => {
    console.log(`${signal}: stopping…`);
    app
      .stop()
      .then(() => eventStore.store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
