import { parseLogStoreLocation, type LogStoreLocation } from '@sluice/artifact-store';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { artifactsSettingsFrom, type ArtifactsSettings } from '@sluice/artifacts';
import { auditChainKeyFromEnv, type AuditChainKeySource } from '@sluice/authz';
import { gatewaySettingsFrom, type GatewaySettings } from '@sluice/gateway';
import { bindAddressFrom, type SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { accessKeyCipherFromEnv, auditCheckpointsFromEnv, type AccessKeyCipher, type AuditCheckpoints } from '@sluice/permissions';
import { ConfigError, gathered, loadRuntimeConfig, logConfigFrom, masterKeyCipherFromEnv, type ConfigProblems, type Env, type LogConfig, type MasterKeyCipher, type RuntimeConfig } from '@sluice/runtime';
import { notificationSettingsFrom, type NotificationSettings } from '@sluice/notifications';
import { pollIntervalFromEnv } from '@sluice/triggers-service';
import { retentionSweepIntervalFrom } from '@sluice/executions';
import { loadProviderConfig, workerConcurrencyFrom, type ProviderConfig } from '@sluice/worker';

/** Everything the embedded platform takes from its environment: `startPlatform` and `npm start`'s main.ts read nothing else. */
export interface PlatformConfig {
  /** The event store, the bus, the gateway's port (SLUICE_PORT) and the data folder as given (SLUICE_DATA_DIR, …). */
  runtime: RuntimeConfig;
  /** The data folder, absolute: events, artifacts, deployments, the admin's token, the keys. */
  dataDir: string;
  /** SLUICE_LOG_FORMAT (text by default: a person at a terminal) and SLUICE_LOG_LEVEL. */
  log: LogConfig;
  /** SLUICE_STARTUP_TRACE=1: one `startup:` line per component (bench/startup/restart.ts prints them). */
  startupTrace: boolean;
  /** SLUICE_WORKER_CONCURRENCY: the built-in worker's jobs at once (default 4). */
  workerConcurrency: number;
  /** SLUICE_POLL_INTERVAL_MS: how often the git poller runs `git ls-remote` on the pipelines' repositories (default 60 s). */
  pollIntervalMs: number;
  /**
   * Where the subgraphs listen (free ports on SLUICE_BIND_ADDRESS, loopback by default) and the secret that lets only this
   * gateway reach them: SLUICE_INTERNAL_SECRET, else a fresh one for this process (decision 0021). Passed, never written to the environment.
   */
  serve: SubgraphServeConfig;
  /** The audit chain key of every writer and the verifier of this process (SLUICE_AUDIT_KEY, else a file in the data folder; decision 0028). */
  auditKey: AuditChainKeySource;
  /** The audit trail's checkpoints of this store, in the data folder. */
  auditCheckpoints: AuditCheckpoints;
  /** Access keys' secrets are encrypted with it (SLUICE_ACCESS_KEY_MASTER_KEY, else a file in the data folder). */
  accessKeyCipher: AccessKeyCipher;
  /** Webhook secret tokens are sealed with the same master key (decision 0039). */
  masterKeyCipher: MasterKeyCipher;
  /** The built-in worker's sandbox, deploy roots (the data folder's `deployments` unless SLUICE_DEPLOY_ROOTS), allowed hosts, git credentials. */
  providers: ProviderConfig;
  /** SLUICE_ARTIFACT_* and SLUICE_ARTIFACTS: retention, limits, the download links' secret. */
  artifacts: ArtifactsSettings;
  /** SLUICE_LOGS: where the text of action logs is kept, a folder (default `<data folder>/logs`) or an s3:// URL (docs/decisions/0049). */
  logs: LogStoreLocation;
  /** The gateway's limits, dashboard build and audit of reads (gateway-config.ts). */
  gateway: GatewaySettings;
  /** SLUICE_PUBLIC_URL, SLUICE_NOTIFICATION_ALLOWED_ADDRESSES, SLUICE_SMTP_*: the notifier's links, outbound rule and mail relay (decision 0044). */
  notifications: NotificationSettings;
  /** SLUICE_RETENTION_SWEEP_INTERVAL_MS: how often the engine sweeps every account's retention (default hourly; 0 never). */
  retentionSweepIntervalMs: number;
}

/** The built-in worker's jobs at once when SLUICE_WORKER_CONCURRENCY is unset. */
const WORKER_CONCURRENCY = 4;

/**
 * The one reader of the environment in the embedded platform (`npm start`, `sluice execute`): every bad variable of
 * the store, the log, the worker, the artifacts and the gateway at once (ConfigError); a bad SLUICE_POLL_INTERVAL_MS or
 * SLUICE_BIND_ADDRESS stops it with its own message.
 */
export function loadPlatformConfig(env: Env): PlatformConfig {
  const problems: ConfigProblems = [];
  const log = logConfigFrom(env, problems, 'text');
  const runtime = gathered(problems, () => loadRuntimeConfig(env));
  const dataDir = resolve(runtime?.dataDir ?? '.');
  const workerConcurrency = gathered(problems, () => workerConcurrencyFrom(env, WORKER_CONCURRENCY));
  // Deploys stay under the data folder unless the operator names other roots (SLUICE_DEPLOY_ROOTS).
  const providers = gathered(problems, () => loadProviderConfig(env, { deployRoots: [join(dataDir, 'deployments')] }));
  const artifacts = gathered(problems, () => artifactsSettingsFrom(env, dataDir));
  const gateway = gathered(problems, () => gatewaySettingsFrom(env));
  const notifications = gathered(problems, () => notificationSettingsFrom(env));
  const retentionSweepIntervalMs = retentionSweepIntervalFrom(env, problems);
  const logs = parseLogStoreLocation(env.SLUICE_LOGS?.trim() || join(dataDir, 'logs'));
  if ('problem' in logs) problems.push({ variable: 'SLUICE_LOGS', reason: logs.problem });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    runtime: runtime!,
    dataDir,
    log,
    startupTrace: env.SLUICE_STARTUP_TRACE === '1',
    workerConcurrency: workerConcurrency!,
    pollIntervalMs: pollIntervalFromEnv(env),
    serve: { port: 0, host: bindAddressFrom(env), internalSecret: env.SLUICE_INTERNAL_SECRET || randomBytes(32).toString('base64url') },
    auditKey: auditChainKeyFromEnv(env, { dataDir }),
    auditCheckpoints: auditCheckpointsFromEnv(env, runtime!.eventStore, { dataDir }),
    accessKeyCipher: accessKeyCipherFromEnv(env, { dataDir }),
    masterKeyCipher: masterKeyCipherFromEnv(env, { dataDir }),
    providers: providers!,
    artifacts: artifacts!,
    logs: logs as LogStoreLocation,
    gateway: gateway!,
    notifications: notifications!,
    retentionSweepIntervalMs,
  };
}
