// The permissions service alone (distributed mode): configured by environment variables (libs/runtime), JSON logs.
import { checkReadiness, ConfigError, createLogger, eventStoreCheck, logConfigFrom, openEventStore, runUntilSignal, type ConfigProblems } from '@sluice/runtime';
import { subgraphServeConfigFrom } from '@sluice/graphql-service';
import { createPermissionsApp } from './permissions-app';
import { loadPermissionsConfig } from './permissions-config';

const problems: ConfigProblems = [];
const logger = createLogger({ service: 'permissions', ...logConfigFrom(process.env, problems) });

runUntilSignal(
  async () => {
    if (problems.length > 0) throw new ConfigError(problems);
    const config = loadPermissionsConfig(process.env);
    const eventStore = await openEventStore(config.runtime.eventStore);
    const store = eventStoreCheck(eventStore.store);
    const app = await createPermissionsApp({
      eventStore: eventStore.store,
      serve: subgraphServeConfigFrom(process.env, config.runtime.port),
      log: logger.line,
      readiness: () => checkReadiness({ store }),
      accessKeyCipher: config.accessKeyCipher,
      auditTrail: config.auditTrail,
    });
    logger.info(`permissions service listening at ${app.url}/graphql — event store: ${eventStore.description}`, { url: app.url, pid: process.pid });
    return async () => {
      await app.stop();
      await eventStore.store.close();
    };
  },
  { logger },
);
