// The artifacts service alone (distributed mode): configured by environment variables (libs/runtime and artifacts-config.ts), JSON logs.
import { ConfigError, createLogger, loadRuntimeConfig, logConfigFrom, openEventStore, runUntilSignal, type ConfigProblems } from '@sluice/runtime';
import { subgraphServeConfigFrom } from '@sluice/graphql-service';
import { createArtifactsApp } from './artifacts-app';
import { artifactsAppSettings, loadArtifactsConfig, loadUrlSecret, openConfiguredArtifactStore } from './artifacts-config';

const problems: ConfigProblems = [];
const logger = createLogger({ service: 'artifacts', ...logConfigFrom(process.env, problems) });

runUntilSignal(
  async () => {
    if (problems.length > 0) throw new ConfigError(problems);
    const runtime = loadRuntimeConfig(process.env);
    const config = loadArtifactsConfig(process.env, runtime.dataDir);
    const eventStore = await openEventStore(runtime.eventStore);
    const artifacts = await openConfiguredArtifactStore(config.store);
    const app = await createArtifactsApp({
      store: eventStore.store,
      artifactStore: artifacts.store,
      // As every service of the distributed mode: no start without an internal secret of 32 bytes or more.
      serve: subgraphServeConfigFrom(process.env, runtime.port),
      urlSecret: await loadUrlSecret(config.urlSecret),
      log: logger.line,
      ...artifactsAppSettings(config),
    });
    logger.info(`artifacts service listening at ${app.url}/graphql — bytes at ${app.url}/artifacts, stored in ${artifacts.description}; event store: ${eventStore.description}`, {
      url: app.url,
      pid: process.pid,
    });
    return async () => {
      await app.stop();
      await artifacts.store.close();
      await eventStore.store.close();
    };
  },
  { logger },
);
