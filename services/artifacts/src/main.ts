// The artifacts service alone (distributed mode): configured by its environment (artifacts-config.ts), JSON logs.
import { serviceMainOnStore } from '@sluice/runtime';
import { loadArtifactsConfig, loadUrlSecret, openConfiguredArtifactStore } from './artifacts-config';
import { createArtifactsService } from './artifacts-service';

serviceMainOnStore({
  service: 'artifacts',
  env: process.env,
  loadConfig: loadArtifactsConfig,
  async start(config, { logger, eventStore }) {
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
      },
    };
  },
});
