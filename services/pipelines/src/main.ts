// The pipelines service alone (distributed mode): configured by its environment (pipelines-config.ts), JSON logs.
import { serviceMainOnStore } from '@sluice/runtime';
import { loadPipelinesConfig } from './pipelines-config';
import { createPipelinesService } from './pipelines-service';

serviceMainOnStore({
  service: 'pipelines',
  env: process.env,
  loadConfig: loadPipelinesConfig,
  async start(config, { logger, eventStore, readiness }) {
    const service = await createPipelinesService({ eventStore: eventStore.store, serve: config.serve, masterKeyCipher: config.masterKeyCipher, log: logger.line, readiness });
    return {
      message: `pipelines service listening at ${service.url}/graphql — event store: ${eventStore.description}`,
      fields: { url: service.url },
      stop: () => service.stop(),
    };
  },
});
