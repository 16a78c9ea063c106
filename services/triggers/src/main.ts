// The webhook receiver and the git poller alone (distributed mode): configured by environment variables
// (triggers-config.ts, libs/runtime for the store), JSON logs. The gateway proxies /webhooks here.
import { auditChainKeyFromEnv } from '@sluice/authz';
import { ConfigError, createLogger, loadRuntimeConfig, logConfigFrom, openEventStore, runUntilSignal, type ConfigProblems } from '@sluice/runtime';
import { loadProviderConfig } from '@sluice/worker';
import { executionsStartClient } from './executions-start-client';
import { WEBHOOKS_PREFIX } from './trigger-components';
import { loadTriggersConfig } from './triggers-config';
import { startTriggersService } from './triggers-service';

const problems: ConfigProblems = [];
const logger = createLogger({ service: 'triggers', ...logConfigFrom(process.env, problems) });

runUntilSignal(
  async () => {
    if (problems.length > 0) throw new ConfigError(problems);
    const config = loadTriggersConfig(process.env);
    const runtime = loadRuntimeConfig(process.env);
    const { gitCredentials } = loadProviderConfig(process.env);
    const eventStore = await openEventStore(runtime.eventStore);
    const service = await startTriggersService({
      store: eventStore.store,
      start: executionsStartClient({ urls: config.executionsUrls, internalSecret: config.internalSecret }),
      secretsFile: config.secretsFile,
      internalSecret: config.internalSecret,
      port: config.port,
      host: config.host,
      pollIntervalMs: config.pollIntervalMs,
      auditKey: auditChainKeyFromEnv(process.env),
      ...(gitCredentials ? { gitCredentials } : {}),
      log: logger.line,
    });
    logger.info(`triggers listening at ${service.url}${WEBHOOKS_PREFIX} — git poller every ${config.pollIntervalMs / 1000} s; starts on ${config.executionsUrls.join(', ')}; secrets in ${config.secretsFile}`, {
      url: service.url,
      pid: process.pid,
    });
    if (service.createdWebhook) logger.info(`created the webhook 'default' (account ${service.createdWebhook.account}) in ${config.secretsFile}`);
    return async () => {
      await service.stop();
      await eventStore.store.close();
    };
  },
  { logger },
);
