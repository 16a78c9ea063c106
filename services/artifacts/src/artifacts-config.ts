import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openFilesystemArtifactStore, openS3ArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { subgraphServeConfigFrom, type SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { ConfigError, loadRuntimeConfig, type ConfigProblems, type Env, type RuntimeConfig } from '@sluice/runtime';

export type ArtifactStoreConfig = { kind: 'filesystem'; root: string } | { kind: 's3'; bucket: string; endpoint?: string; region?: string; prefix?: string };

/** Everything the artifacts service takes from its environment. */
export interface ArtifactsConfig {
  /** The event store (SLUICE_EVENT_STORE, …), the data folder (SLUICE_DATA_DIR) and the port (SLUICE_PORT). */
  runtime: RuntimeConfig;
  /** Where it listens (SLUICE_BIND_ADDRESS) and the gateway's secret (SLUICE_INTERNAL_SECRET). */
  serve: SubgraphServeConfig;
  /** Its own variables, SLUICE_ARTIFACT…. */
  artifacts: ArtifactsSettings;
}

/** The one reader of the environment in the artifacts service: composition and the API take what this returns. */
export function loadArtifactsConfig(env: Env): ArtifactsConfig {
  const runtime = loadRuntimeConfig(env);
  const artifacts = artifactsSettingsFrom(env, runtime.dataDir);
  return { runtime, serve: subgraphServeConfigFrom(env, runtime.port), artifacts };
}

/** Where the bytes are, retention, limits and the download links' key: the SLUICE_ARTIFACT… variables. */
export interface ArtifactsSettings {
  store: ArtifactStoreConfig;
  retentionDays: number;
  keepExecutions: number;
  /** 0: retention runs only on demand (`collectArtifacts`). */
  collectIntervalMinutes: number;
  maxUploadBytes: number;
  downloadUrlTtlMinutes: number;
  /** From SLUICE_ARTIFACT_URL_SECRET, else kept in `secretFile` (created on first start). */
  urlSecret: { kind: 'given'; secret: Buffer } | { kind: 'file'; path: string };
}

export const DEFAULTS = { retentionDays: 30, keepExecutions: 100, collectIntervalMinutes: 60, maxUploadBytes: 10 * 1024 ** 3, downloadUrlTtlMinutes: 15 };

/**
 * The artifacts service's own variables, every bad one named at once; `dataDir` holds the default folder and the
 * kept URL secret. Also the form a composition root with a data folder of its own uses (the embedded platform).
 */
export function artifactsSettingsFrom(env: Env, dataDir: string): ArtifactsSettings {
  const problems: ConfigProblems = [];
  const config: ArtifactsSettings = {
    store: storeFrom(env.SLUICE_ARTIFACTS?.trim() || join(dataDir, 'artifacts'), problems),
    retentionDays: numberFrom(env, 'SLUICE_ARTIFACT_RETENTION_DAYS', DEFAULTS.retentionDays, { integer: false, min: 0 }, problems),
    keepExecutions: numberFrom(env, 'SLUICE_ARTIFACT_KEEP_EXECUTIONS', DEFAULTS.keepExecutions, { integer: true, min: 0 }, problems),
    collectIntervalMinutes: numberFrom(env, 'SLUICE_ARTIFACT_COLLECT_INTERVAL_MINUTES', DEFAULTS.collectIntervalMinutes, { integer: false, min: 0 }, problems),
    maxUploadBytes: numberFrom(env, 'SLUICE_ARTIFACT_MAX_BYTES', DEFAULTS.maxUploadBytes, { integer: true, min: 0 }, problems),
    downloadUrlTtlMinutes: numberFrom(env, 'SLUICE_ARTIFACT_URL_TTL_MINUTES', DEFAULTS.downloadUrlTtlMinutes, { integer: false, min: 0.1 }, problems),
    urlSecret: { kind: 'file', path: join(dataDir, 'artifact-url-secret') },
  };
  const secret = env.SLUICE_ARTIFACT_URL_SECRET;
  if (secret !== undefined && secret !== '') {
    if (secret.length < 32) problems.push({ variable: 'SLUICE_ARTIFACT_URL_SECRET', reason: `at least 32 characters are needed, got ${secret.length}` });
    config.urlSecret = { kind: 'given', secret: Buffer.from(secret, 'utf8') };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function storeFrom(value: string, problems: ConfigProblems): ArtifactStoreConfig {
  if (value.startsWith('s3://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${value}' is not a URL (s3://bucket?endpoint=…&region=…&prefix=…)` });
      return { kind: 's3', bucket: '' };
    }
    const bucket = url.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${bucket}' is not a bucket name` });
    const unknown = [...url.searchParams.keys()].filter((key) => !['endpoint', 'region', 'prefix'].includes(key));
    if (unknown.length > 0) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `unknown parameter(s) ${unknown.join(', ')}: use endpoint, region, prefix` });
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `endpoint '${endpoint}' is not an http(s) URL` });
    return {
      kind: 's3',
      bucket,
      ...(endpoint ? { endpoint } : {}),
      ...(url.searchParams.get('region') ? { region: url.searchParams.get('region')! } : {}),
      ...(url.searchParams.get('prefix') ? { prefix: url.searchParams.get('prefix')! } : {}),
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `unknown scheme in '${value}': use a folder or s3://bucket?endpoint=…` });
  }
  return { kind: 'filesystem', root: value };
}

function numberFrom(env: Env, variable: string, fallback: number, rule: { integer: boolean; min: number }, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (rule.integer && !Number.isSafeInteger(value)) || value < rule.min) {
    problems.push({ variable, reason: `'${raw}' is not ${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}` });
    return fallback;
  }
  return value;
}

export async function openConfiguredArtifactStore(config: ArtifactStoreConfig): Promise<{ store: ArtifactStore; description: string }> {
  if (config.kind === 'filesystem') return { store: await openFilesystemArtifactStore({ root: config.root }), description: `folder ${config.root}` };
  const store = await openS3ArtifactStore({ bucket: config.bucket, ...(config.endpoint ? { endpoint: config.endpoint } : {}), ...(config.region ? { region: config.region } : {}), ...(config.prefix ? { prefix: config.prefix } : {}) });
  return { store, description: `s3://${config.bucket}${config.endpoint ? ` at ${config.endpoint}` : ''}` };
}

/** The key download URLs are signed with: given, or 32 random bytes kept (0600) in the data dir so links survive a restart. */
export async function loadUrlSecret(source: ArtifactsSettings['urlSecret']): Promise<Buffer> {
  if (source.kind === 'given') return source.secret;
  try {
    return Buffer.from((await readFile(source.path, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dirname(source.path), { recursive: true });
  try {
    await writeFile(source.path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await readFile(source.path, 'utf8')).trim(), 'hex');
    throw error;
  }
}
