import { parseLogStoreLocation, type LogStoreLocation } from '@sluice/artifact-store';
import { join } from 'node:path';
import { INTERNAL_SECRET_ENV, internalSecretConfigProblem } from '@sluice/graphql-service/caller';
import { ConfigError, gathered, loadRuntimeConfig, masterKeyCipherFromEnv, type ConfigProblems, type Env, type MasterKeyCipher, type RuntimeConfig } from '@sluice/runtime';
import { gatewayLimitsFrom, type GatewayLimits } from './limits/limits-config';
import { webDirFrom } from './static/dashboard-files';

/** One subgraph the gateway federates: its name in the supergraph and its GraphQL endpoint. */
export interface SubgraphEndpoint {
  name: string;
  /** The instance asked first: `instances[0]` when there are several. */
  url: string;
  /** Every instance serving this subgraph, in the order they are asked (subgraph-instances.ts); absent: `url` alone. */
  instances?: readonly string[];
}

/** Every instance of a subgraph, the first asked first. */
export const endpointUrls = (subgraph: SubgraphEndpoint): readonly string[] => subgraph.instances ?? [subgraph.url];

/** The subgraph the gateway authenticates tokens (and looks up access keys) with. */
export const PERMISSIONS_SUBGRAPH = 'permissions';

/** The subgraph of the definitions: the gateway asks it for an account's pipeline names (pipelineGraph, decision 0054). */
export const PIPELINES_SUBGRAPH = 'pipelines';

/** What the gateway takes from the environment wherever it runs: in its own process (main.ts) or in the embedded platform. */
export interface GatewaySettings {
  /** SLUICE_GRAPHQL_MAX_*, SLUICE_RATE_LIMIT_*, SLUICE_WS_*, SLUICE_AUDIT_REFUSALS_*, SLUICE_METRICS_PUBLIC (limits-config.ts). */
  limits: GatewayLimits;
  /** SLUICE_WEB_DIR (a directory), else the repository's `web/dist`: the dashboard's build. */
  webDir: string;
  /** SLUICE_AUDIT_READS: record allowed reads too (default true; denied calls and mutations are always recorded). */
  auditReads: boolean;
}

/** Everything the gateway process takes from its environment. */
export interface GatewayConfig extends GatewaySettings {
  /** SLUICE_SUBGRAPHS: name=url pairs (`name=url|url` for a subgraph served by several instances); one is `permissions`. */
  subgraphs: SubgraphEndpoint[];
  /** SLUICE_PORT (default 4000). */
  port: number;
  /** The store subscriptions are fed from and the audit trail is written to (SLUICE_EVENT_STORE, …), the bus `/readyz` pings (SLUICE_KAFKA_BROKERS). */
  runtime: RuntimeConfig;
  /** SLUICE_INTERNAL_SECRET: sent to every subgraph and triggers process, which answer only its holder. */
  internalSecret: string;
  /** SLUICE_WEBHOOK_URLS: the triggers processes `/webhooks/…` is passed to (`http://host:port`); none: no webhook route. */
  webhookUrls: string[];
  /** SLUICE_LOGS: where the executions service keeps the text of action logs, which `actionLogAppended` reads (default `<SLUICE_DATA_DIR>/logs`). */
  logs: LogStoreLocation;
  /**
   * The server's master key (SLUICE_ACCESS_KEY_MASTER_KEY, else `access-key-master-key` in SLUICE_DATA_DIR): seals the
   * tokens of browser sessions in the store (decision 0057). Every gateway of an installation needs the same one.
   */
  masterKeyCipher: MasterKeyCipher;
}

type Problems = ConfigProblems;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const EXAMPLE = 'pipelines=http://127.0.0.1:4101/graphql,executions=http://127.0.0.1:4102/graphql|http://127.0.0.1:4103/graphql';

function subgraphsFrom(env: Env, problems: Problems): SubgraphEndpoint[] {
  const raw = env.SLUICE_SUBGRAPHS?.trim();
  if (!raw) {
    problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `not set: name=url pairs separated by commas, e.g. ${EXAMPLE}` });
    return [];
  }
  const before = problems.length;
  const subgraphs: SubgraphEndpoint[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const separator = entry.indexOf('=');
    const name = separator > 0 ? entry.slice(0, separator).trim() : '';
    // Several instances of one subgraph: `name=url|url`, asked in that order (subgraph-instances.ts).
    const urls = separator > 0 ? entry.slice(separator + 1).split('|').map((u) => u.trim()) : [''];
    const notHttp = urls.find((url) => !isHttpUrl(url));
    if (!NAME.test(name)) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `'${entry}' is not name=url (e.g. ${EXAMPLE})` });
    } else if (notHttp !== undefined) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `the url of '${name}' is not an http(s) URL: '${notHttp}'` });
    } else if (new Set(urls).size !== urls.length) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `'${name}' names one instance twice: '${urls.join('|')}'` });
    } else if (subgraphs.some((s) => s.name === name)) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `'${name}' is named twice` });
    } else {
      subgraphs.push({ name, url: urls[0]!, ...(urls.length > 1 ? { instances: urls } : {}) });
    }
  }
  // The gateway never serves unauthenticated: without a permissions subgraph it does not start.
  if (problems.length === before && !subgraphs.some((s) => s.name === PERMISSIONS_SUBGRAPH)) {
    problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `names no '${PERMISSIONS_SUBGRAPH}' subgraph; the gateway authenticates every request with it (e.g. …,permissions=http://127.0.0.1:4104/graphql)` });
  }
  return subgraphs;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The same rule as the subgraphs' (libs/graphql-service internal-secret.ts): with a shorter secret the gateway could reach none of them. */
function internalSecretFrom(env: Env, problems: Problems): string {
  const secret = env[INTERNAL_SECRET_ENV] ?? '';
  const problem = internalSecretConfigProblem(secret);
  if (problem !== undefined) problems.push({ variable: INTERNAL_SECRET_ENV, reason: problem });
  return secret;
}

function auditReadsFrom(env: Env, problems: Problems): boolean {
  const value = env.SLUICE_AUDIT_READS;
  if (value === undefined || value === '' || value === 'true') return true;
  if (value === 'false') return false;
  problems.push({ variable: 'SLUICE_AUDIT_READS', reason: `must be true or false, got '${value}'` });
  return true;
}

function webhookUrlsFrom(env: Env, problems: Problems): string[] {
  const urls = (env.SLUICE_WEBHOOK_URLS ?? '')
    .split(',')
    .map((url) => url.trim().replace(/\/+$/, ''))
    .filter((url) => url !== '');
  for (const url of urls) if (!/^https?:\/\/[^\s/]+$/.test(url)) problems.push({ variable: 'SLUICE_WEBHOOK_URLS', reason: `'${url}' is not http(s)://host:port` });
  return urls;
}

function settingsFrom(env: Env, problems: Problems): Partial<GatewaySettings> {
  return { limits: gathered(problems, () => gatewayLimitsFrom(env)), webDir: webDirFrom(env, problems), auditReads: auditReadsFrom(env, problems) };
}

/** The gateway's settings from the environment (for the embedded platform's config); every bad variable at once. */
export function gatewaySettingsFrom(env: Env): GatewaySettings {
  const problems: Problems = [];
  const settings = settingsFrom(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings as GatewaySettings;
}

/**
 * The one reader of the environment in the gateway process: main.ts and `startGateway` take what this returns.
 * Every bad variable at once, as `loadRuntimeConfig` does.
 */
export function loadGatewayConfig(env: Env): GatewayConfig {
  const problems: Problems = [];
  const subgraphs = subgraphsFrom(env, problems);
  const runtime = gathered(problems, () => loadRuntimeConfig(env));
  const internalSecret = internalSecretFrom(env, problems);
  const settings = settingsFrom(env, problems);
  const webhookUrls = webhookUrlsFrom(env, problems);
  const logs = parseLogStoreLocation(env.SLUICE_LOGS?.trim() || join(runtime?.dataDir ?? '.', 'logs'));
  if ('problem' in logs) problems.push({ variable: 'SLUICE_LOGS', reason: logs.problem });
  if (problems.length > 0) throw new ConfigError(problems);
  const masterKeyCipher = masterKeyCipherFromEnv(env, { dataDir: runtime!.dataDir });
  return { subgraphs, port: runtime!.port, runtime: runtime!, internalSecret, ...(settings as GatewaySettings), webhookUrls, logs: logs as LogStoreLocation, masterKeyCipher };
}
