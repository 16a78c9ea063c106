// The permissions service alone (distributed mode): configured by its environment (permissions-config.ts), JSON logs.
import { checkReadiness, eventStoreCheck, openEventStore, serviceMain } from '@sluice/runtime';
import { loadPermissionsConfig } from './permissions-config';
import { createPermissionsService } from './permissions-service';

serviceMain({
  service: 'permissions',
  env: process.env,
  loadConfig: loadPermissionsConfig,
  async start(config, logger) {
    const eventStore = await openEventStore(config.runtime.eventStore);
    const store = eventStoreCheck(eventStore.store);
    const service = await createPermissionsService({
      eventStore: eventStore.store,
      serve: config.serve,
      log: logger.line,
      readiness: () => checkReadiness({ store }),
      accessKeyCipher: config.accessKeyCipher,
      auditTrail: config.auditTrail,
    });
    return {
      message: `permissions service listening at ${service.url}/graphql — event store: ${eventStore.description}`,
      fields: { url: service.url },
      async stop() {
        await service.stop();
        await eventStore.store.close();
      },
    };
  },
});
