export { executionsStartClient, StartRefusedError, type ExecutionsStartClientOptions } from './executions-start-client';
export { fileWebhookSecrets, pollableCatalog, projectionCatalog, projectionWebhooks, storeTriggerAudit, webhookRoute, WEBHOOKS_PREFIX, type HttpRoute, type WebhookRouteDeps } from './trigger-components';
export { DEFAULT_POLL_INTERVAL_MS, loadTriggersConfig, pollIntervalFromEnv, type TriggersConfig } from './triggers-config';
export { startTriggersService, type TriggersService, type TriggersServiceOptions } from './triggers-service';
