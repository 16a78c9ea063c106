// The permissions service alone (distributed mode): configured by its environment (permissions-config.ts), JSON logs.
import { serviceMainOnStore } from '@sluice/runtime';
import { loadPermissionsConfig } from './permissions-config';
import { createPermissionsService } from './permissions-service';

serviceMainOnStore({
  service: 'permissions',
  env: process.env,
  loadConfig: loadPermissionsConfig,
  async start(config, { logger, eventStore, readiness }) {
    const service = await createPermissionsService({
      eventStore: eventStore.store,
      serve: config.serve,
      log: logger.line,
      readiness,
      accessKeyCipher: config.accessKeyCipher,
      auditTrail: config.auditTrail,
    });
    return {
      message: `permissions service listening at ${service.url}/graphql — event store: ${eventStore.description}`,
      fields: { url: service.url },
      stop: () => service.stop(),
    };
  },
});
