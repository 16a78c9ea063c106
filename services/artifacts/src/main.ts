// The artifacts service alone (distributed mode): configured by its environment (artifacts-config.ts), JSON logs.
import { openEventStore, serviceMain } from '@sluice/runtime';
import { loadArtifactsConfig, loadUrlSecret, openConfiguredArtifactStore } from './artifacts-config';
import { createArtifactsService } from './artifacts-service';

serviceMain({
  service: 'artifacts',
  env: process.env,
  loadConfig: loadArtifactsConfig,
  async start(config, logger) {
    const eventStore = await openEventStore(config.runtime.eventStore);
    const artifacts = await openConfiguredArtifactStore(config.artifacts.store);
    const service = await createArtifactsService({
      eventStore: eventStore.store,
      artifactStore: artifacts.store,
      serve: config.serve,
      urlSecret: await loadUrlSecret(config.artifacts.urlSecret),
      log: logger.line,
      settings: config.artifacts,
    });
    return {
      message: `artifacts service listening at ${service.url}/graphql — bytes at ${service.url}/artifacts, stored in ${artifacts.description}; event store: ${eventStore.description}`,
      fields: { url: service.url },
      async stop() {
        await service.stop();
        await artifacts.store.close();
        await eventStore.store.close();
      },
    };
  },
});
