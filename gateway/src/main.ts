// The gateway alone (distributed mode): SLUICE_SUBGRAPHS names the subgraphs, SLUICE_PORT its port, SLUICE_EVENT_STORE
// the store subscriptions are fed from; JSON logs (SLUICE_LOG_FORMAT, SLUICE_LOG_LEVEL).
import { ConfigError, createLogger, loadRuntimeConfig, logConfigFrom, runUntilSignal, type ConfigProblems } from '@sluice/runtime';
import { artifactDownloadRoutesFor } from './artifact-download-proxy';
import { gatewayAuthFrom } from './auth/auth-config';
import { awsApiFrom } from './aws/aws-route';
import { gatewayLimitsFrom } from './limits/limits-config';
import { startGateway } from './gateway-server';
import { loadGatewayConfig } from './subgraph-config';
import { webhookProxyRoutesFrom } from './webhook-proxy';

const problems: ConfigProblems = [];
const logger = createLogger({ service: 'gateway', ...logConfigFrom(process.env, problems) });

runUntilSignal(
  async () => {
    if (problems.length > 0) throw new ConfigError(problems);
    const config = loadGatewayConfig(process.env);
    // Validates the store and bus variables before anything starts (startGateway reads them again).
    const runtime = loadRuntimeConfig(process.env);
    // Signed artifact download links (/artifacts/download/{token}) are served on this origin, streamed from the `artifacts` subgraph's service;
    // webhooks (/webhooks/…) are passed to the triggers processes of SLUICE_WEBHOOK_URLS.
    // Every request is authenticated with the permissions subgraph (decision 0021); /aws verifies SigV4 with its access keys (decision 0024).
    const auth = gatewayAuthFrom(config.subgraphs, process.env);
    // The limits (SLUICE_GRAPHQL_MAX_*, SLUICE_RATE_LIMIT_*, SLUICE_WS_*, SLUICE_METRICS_PUBLIC) are checked before anything opens.
    gatewayLimitsFrom(process.env);
    const gateway = await startGateway({ ...config, bus: runtime.bus, log: logger.line, httpRoutes: [...artifactDownloadRoutesFor(config.subgraphs), ...webhookProxyRoutesFrom(process.env)], auth, aws: awsApiFrom(config.subgraphs) });
    const subgraphs = config.subgraphs.map((s) => `${s.name} (${s.url})`).join(', ');
    logger.info(`gateway listening at ${gateway.url}/graphql — subgraphs: ${subgraphs}`, { url: gateway.url, pid: process.pid });
    return () => gateway.stop();
  },
  { logger },
);
