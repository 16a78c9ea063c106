import { notificationSettingsFrom, type NotificationSettings } from '@sluice/notifications';
import { join } from 'node:path';
import { bindAddressFrom, internalSecretConfigProblem, INTERNAL_SECRET_ENV } from '@sluice/graphql-service/caller';
import { auditChainKeyFromEnv, type AuditChainKeySource } from '@sluice/authz';
import { ConfigError, loadRuntimeConfig, masterKeyCipherFromEnv, portFrom, type ConfigProblems, type Env, type MasterKeyCipher, type RuntimeConfig } from '@sluice/runtime';
import { loadProviderConfig, type GitCredentialsConfig, type ProviderConfig } from '@sluice/worker';

export const DEFAULT_POLL_INTERVAL_MS = 60_000;
const MIN_POLL_INTERVAL_MS = 1_000;
const MAX_POLL_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** `SLUICE_POLL_INTERVAL_MS` (default 60000): a whole number of milliseconds from 1000 to one day. */
export function pollIntervalFromEnv(env: Env): number {
  const problems: ConfigProblems = [];
  const value = pollIntervalFrom(env, problems);
  if (problems.length > 0) throw new Error(`${problems[0]!.variable}: ${problems[0]!.reason}`);
  return value;
}

function pollIntervalFrom(env: Env, problems: ConfigProblems): number {
  const raw = env.SLUICE_POLL_INTERVAL_MS?.trim();
  if (!raw) return DEFAULT_POLL_INTERVAL_MS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < MIN_POLL_INTERVAL_MS || value > MAX_POLL_INTERVAL_MS) {
    problems.push({ variable: 'SLUICE_POLL_INTERVAL_MS', reason: `expected a whole number of milliseconds from ${MIN_POLL_INTERVAL_MS} to ${MAX_POLL_INTERVAL_MS}, got '${raw}'` });
  }
  return value;
}

/** The triggers process's settings (the only reader of its environment besides the runtime's store settings). */
export interface TriggersConfig {
  port: number;
  host: string;
  /** `${url}/graphql` of each executions instance. */
  executionsUrls: string[];
  internalSecret: string;
  pollIntervalMs: number;
  /** `<SLUICE_DATA_DIR>/webhook-secrets.json`, as the embedded platform keeps it. */
  secretsFile: string;
}

/** Everything the triggers process takes from its environment: its own settings, the store's, git's credentials, the audit key. */
export interface TriggersProcessConfig extends TriggersConfig {
  runtime: RuntimeConfig;
  /** SLUICE_GIT_USERNAME/PASSWORD/HOSTS, as the worker reads them: the poller's `git ls-remote` on private repositories. */
  gitCredentials?: GitCredentialsConfig;
  /** SLUICE_S3_*, as the worker reads them: the S3 poller watches the objects of Source/S3 actions there. */
  s3?: ProviderConfig['s3'];
  /** The audit chain's key (SLUICE_AUDIT_KEY, else the data folder's): trigger starts are audited (decision 0028). */
  auditKey: AuditChainKeySource;
  /** SLUICE_ACCESS_KEY_MASTER_KEY, else the key kept in SLUICE_DATA_DIR: opens the secret tokens of the webhooks put through the API. */
  masterKeyCipher: MasterKeyCipher;
  /** SLUICE_PUBLIC_URL, SLUICE_NOTIFICATION_ALLOWED_ADDRESSES, SLUICE_SMTP_*: the notifier this process runs (decision 0044). */
  notifications: NotificationSettings;
}

/** The one reader of the environment in the triggers process (`main.ts` passes it `process.env`). */
export function loadTriggersProcessConfig(env: Env): TriggersProcessConfig {
  const { gitCredentials, s3 } = loadProviderConfig(env);
  const runtime = loadRuntimeConfig(env);
  return {
    ...loadTriggersConfig(env),
    runtime,
    ...(gitCredentials ? { gitCredentials } : {}),
    ...(s3 ? { s3 } : {}),
    auditKey: auditChainKeyFromEnv(env),
    masterKeyCipher: masterKeyCipherFromEnv(env),
    notifications: notificationSettingsFrom(env),
  };
}

/**
 * SLUICE_EXECUTIONS_URLS (comma-separated `http://…/graphql` of the executions instances), SLUICE_INTERNAL_SECRET,
 * SLUICE_PORT (0 picks a free one), SLUICE_BIND_ADDRESS (loopback), SLUICE_POLL_INTERVAL_MS, SLUICE_DATA_DIR.
 * Every bad variable is reported at once.
 */
export function loadTriggersConfig(env: Env): TriggersConfig {
  const problems: ConfigProblems = [];
  const port = portFrom(env, problems);
  let host = '127.0.0.1';
  try {
    host = bindAddressFrom(env);
  } catch (error) {
    problems.push({ variable: 'SLUICE_BIND_ADDRESS', reason: error instanceof Error ? error.message : String(error) });
  }
  const executionsUrls = (env.SLUICE_EXECUTIONS_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (executionsUrls.length === 0) problems.push({ variable: 'SLUICE_EXECUTIONS_URLS', reason: 'not set: the executions services to start pipelines on, e.g. http://127.0.0.1:4100/graphql' });
  for (const url of executionsUrls) if (!/^https?:\/\/[^\s/]+\/graphql$/.test(url)) problems.push({ variable: 'SLUICE_EXECUTIONS_URLS', reason: `'${url}' is not an http(s) URL ending in /graphql` });
  const internalSecret = env[INTERNAL_SECRET_ENV] ?? '';
  const secretProblem = internalSecretConfigProblem(internalSecret);
  if (secretProblem) problems.push({ variable: INTERNAL_SECRET_ENV, reason: secretProblem });
  const pollIntervalMs = pollIntervalFrom(env, problems);
  const dataDir = env.SLUICE_DATA_DIR?.trim() || './.sluice';
  if (problems.length > 0) throw new ConfigError(problems);
  return { port, host, executionsUrls, internalSecret, pollIntervalMs, secretsFile: join(dataDir, 'webhook-secrets.json') };
}
