// The webhook receiver and the git poller alone (distributed mode): configured by its environment
// (triggers-config.ts), JSON logs. The gateway proxies /webhooks here.
import { serviceMainOnStore } from '@sluice/runtime';
import { s3ObjectRevisions } from '@sluice/worker';
import { executionsStartClient } from './executions-start-client';
import { WEBHOOKS_PREFIX } from './trigger-components';
import { loadTriggersProcessConfig } from './triggers-config';
import { startTriggersService } from './triggers-service';

serviceMainOnStore({
  service: 'triggers',
  env: process.env,
  loadConfig: loadTriggersProcessConfig,
  async start(config, { logger, eventStore }) {
    const service = await startTriggersService({
      store: eventStore.store,
      start: executionsStartClient({ urls: config.executionsUrls, internalSecret: config.internalSecret }),
      secretsFile: config.secretsFile,
      internalSecret: config.internalSecret,
      port: config.port,
      host: config.host,
      pollIntervalMs: config.pollIntervalMs,
      auditKey: config.auditKey,
      masterKeyCipher: config.masterKeyCipher,
      notifications: { settings: config.notifications, checkpoints: eventStore.checkpoints },
      ...(config.gitCredentials ? { gitCredentials: config.gitCredentials } : {}),
      ...(config.s3 ? { s3Revisions: s3ObjectRevisions(config.s3) } : {}),
      log: logger.line,
    });
    if (service.createdWebhook) logger.info(`created the webhook 'default' (account ${service.createdWebhook.account}) in ${config.secretsFile}`);
    return {
      message: `triggers listening at ${service.url}${WEBHOOKS_PREFIX} — git poller every ${config.pollIntervalMs / 1000} s; starts on ${config.executionsUrls.join(', ')}; secrets in ${config.secretsFile}`,
      fields: { url: service.url },
      stop: () => service.stop(),
    };
  },
});
