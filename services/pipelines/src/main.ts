// The pipelines service alone (distributed mode): configured by its environment (pipelines-config.ts), JSON logs.
import { checkReadiness, eventStoreCheck, openEventStore, serviceMain } from '@sluice/runtime';
import { loadPipelinesConfig } from './pipelines-config';
import { createPipelinesService } from './pipelines-service';

serviceMain({
  service: 'pipelines',
  env: process.env,
  loadConfig: loadPipelinesConfig,
  async start(config, logger) {
    const eventStore = await openEventStore(config.runtime.eventStore);
    const store = eventStoreCheck(eventStore.store);
    const service = await createPipelinesService({ eventStore: eventStore.store, serve: config.serve, log: logger.line, readiness: () => checkReadiness({ store }) });
    return {
      message: `pipelines service listening at ${service.url}/graphql — event store: ${eventStore.description}`,
      fields: { url: service.url },
      async stop() {
        await service.stop();
        await eventStore.store.close();
      },
    };
  },
});
