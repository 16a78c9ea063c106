// The gateway alone (distributed mode): configured by its environment (gateway-config.ts: SLUICE_SUBGRAPHS, SLUICE_PORT,
// SLUICE_EVENT_STORE the subscriptions are fed from, SLUICE_INTERNAL_SECRET, the limits, …), JSON logs.
import { openLogStore } from '@sluice/artifact-store';
import { serviceMainOnStore } from '@sluice/runtime';
import { artifactDownloadRoutesFor } from './artifact-download-proxy';
import { gatewayAuthFrom } from './auth/auth-config';
import { awsApiFrom } from './aws/aws-route';
import { endpointUrls, loadGatewayConfig } from './gateway-config';
import { startGateway } from './gateway-server';
import { webhookProxyRoutes } from './webhook-proxy';

serviceMainOnStore({
  service: 'gateway',
  env: process.env,
  loadConfig: loadGatewayConfig,
  async start(config, { logger, eventStore }) {
    logger.line(`gateway: subscriptions fed from ${eventStore.description}`);
    // actionLogAppended reads the text of action logs where the executions service keeps it (docs/decisions/0049).
    const logs = await openLogStore(config.logs);
    const gateway = await startGateway({
      subgraphs: config.subgraphs,
      port: config.port,
      eventStore: eventStore.store,
      actionLogStore: logs.store,
      bus: config.runtime.bus,
      internalSecret: config.internalSecret,
      limits: config.limits,
      webDir: config.webDir,
      log: logger.line,
      // Signed artifact download links (/artifacts/download/{token}) are served on this origin, streamed from the `artifacts` subgraph's service;
      // webhooks (/webhooks/…) are passed to the triggers processes of SLUICE_WEBHOOK_URLS.
      httpRoutes: [...artifactDownloadRoutesFor(config.subgraphs), ...webhookProxyRoutes(config.webhookUrls, config.internalSecret)],
      // Every request is authenticated with the permissions subgraph (decision 0021); /aws verifies SigV4 with its access keys (decision 0024).
      auth: gatewayAuthFrom(config),
      aws: awsApiFrom(config.subgraphs, config.internalSecret),
    });
    const subgraphs = config.subgraphs.map((s) => `${s.name} (${endpointUrls(s).join('|')})`).join(', ');
    return {
      message: `gateway listening at ${gateway.url}/graphql — subgraphs: ${subgraphs}`,
      fields: { url: gateway.url },
      async stop() {
        await gateway.stop();
        await logs.store.close();
      },
    };
  },
});
