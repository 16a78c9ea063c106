// The permissions service alone (distributed mode): configured by its environment (permissions-config.ts), JSON logs.
// SLUICE_PERMISSIONS_ROLE: `all` (the API, folding the audit trails), `api` (the API, the trails folded elsewhere) or
// `projections` (only the folding, with /healthz, /readyz and /metrics; docs/decisions/0061).
import { serviceMainOnStore } from '@sluice/runtime';
import { loadPermissionsConfig } from './permissions-config';
import { startPermissionsProjections } from './permissions-projections-service';
import { createPermissionsService } from './permissions-service';

serviceMainOnStore({
  service: 'permissions',
  env: process.env,
  loadConfig: loadPermissionsConfig,
  async start(config, { logger, eventStore, readiness }) {
    if (config.role === 'projections') {
      const projections = await startPermissionsProjections({
        eventStore: eventStore.store,
        serve: config.serve,
        readiness,
        auditCheckpoints: config.auditTrail.checkpoints,
        log: logger.line,
      });
      return {
        message: `permissions projections folding at ${projections.url}/metrics — event store: ${eventStore.description}`,
        fields: { url: projections.url, role: config.role },
        stop: () => projections.stop(),
      };
    }
    const service = await createPermissionsService({
      eventStore: eventStore.store,
      serve: config.serve,
      log: logger.line,
      readiness,
      accessKeyCipher: config.accessKeyCipher,
      auditTrail: config.auditTrail,
      audit: config.role === 'api' ? 'follow' : 'fold',
    });
    return {
      message: `permissions service listening at ${service.url}/graphql — event store: ${eventStore.description}`,
      fields: { url: service.url, role: config.role },
      stop: () => service.stop(),
    };
  },
});
