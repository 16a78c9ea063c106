import { isAbsolute } from 'node:path';
import { ConfigError, type ConfigProblems, type Env } from '@sluice/runtime';
import { loadProviderConfig, type ProviderConfig } from './provider-config';

export type ArtifactsConfig =
  /** A folder every worker and service of one machine shares. */
  | { kind: 'directory'; root: string }
  /** `s3://bucket?endpoint=…&region=…&prefix=…` (as the artifacts service reads it); credentials from the AWS SDK's chain. */
  | { kind: 's3'; bucket: string; prefix?: string; endpoint?: string; region?: string };

/** The standalone worker process's configuration (distributed mode), every bad variable named at once. */
export interface WorkerConfig {
  /** The GraphQL endpoint of the job API: `${SLUICE_GATEWAY_URL}/graphql`, or `SLUICE_JOBS_URL` as given. */
  jobsUrl: string;
  /**
   * Where outputs are uploaded (`PUT {uploadUrl}/artifacts/{account}` with the token, decision 0038): the gateway
   * the jobs come from, i.e. `jobsUrl` without its `/graphql`. Inputs are read from `artifacts` directly.
   */
  uploadUrl: string;
  /** `SLUICE_TOKEN`, sent as `authorization: Bearer …` when set. */
  token?: string;
  /** `SLUICE_WORKER_CONCURRENCY`: jobs at once (default 2). */
  concurrency: number;
  artifacts: ArtifactsConfig;
  /** `SLUICE_WORKER_HEARTBEAT_MS`: between heartbeats of a running job (default 30 s; keep it well under the engine's heartbeat lease). */
  heartbeatIntervalMs: number;
  /** `SLUICE_WORKER_STOP_GRACE_MS`: on SIGTERM, how long running jobs may finish before they are aborted and reported failed (default 25 s). */
  stopGraceMs: number;
}

const isHttpUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

function integer(env: Env, variable: string, fallback: number, min: number, max: number, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) problems.push({ variable, reason: `'${raw}' is not a whole number from ${min} to ${max}` });
  return value;
}

function jobsUrlFrom(env: Env, problems: ConfigProblems): string {
  const jobs = env.SLUICE_JOBS_URL?.trim();
  const gateway = env.SLUICE_GATEWAY_URL?.trim();
  if (jobs && gateway) {
    problems.push({ variable: 'SLUICE_JOBS_URL', reason: 'set together with SLUICE_GATEWAY_URL: give one of them' });
    return '';
  }
  if (jobs) {
    if (!isHttpUrl(jobs)) problems.push({ variable: 'SLUICE_JOBS_URL', reason: `'${jobs}' is not an http(s) URL (a GraphQL endpoint, e.g. http://executions:4102/graphql)` });
    return jobs;
  }
  if (gateway) {
    if (!isHttpUrl(gateway)) problems.push({ variable: 'SLUICE_GATEWAY_URL', reason: `'${gateway}' is not an http(s) URL (e.g. http://sluice:4000)` });
    return `${gateway.replace(/\/+$/, '').replace(/\/graphql$/, '')}/graphql`;
  }
  problems.push({ variable: 'SLUICE_GATEWAY_URL', reason: 'not set: the gateway the worker takes jobs from (e.g. http://127.0.0.1:4000), or SLUICE_JOBS_URL' });
  return '';
}

function artifactsFrom(env: Env, problems: ConfigProblems): ArtifactsConfig {
  const raw = env.SLUICE_ARTIFACTS?.trim();
  if (!raw) {
    problems.push({ variable: 'SLUICE_ARTIFACTS', reason: 'not set: a folder shared with the services (absolute path) or s3://bucket?endpoint=…&region=…&prefix=…' });
    return { kind: 'directory', root: '' };
  }
  if (raw.startsWith('s3://')) {
    // The artifacts service's syntax for the same variable (services/artifacts/src/artifacts-config.ts).
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${raw}' is not a URL (s3://bucket?endpoint=…&region=…&prefix=…)` });
    }
    const bucket = url?.hostname ?? '';
    if (url && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${bucket}' is not a bucket name` });
    const params = url?.searchParams ?? new URLSearchParams();
    const unknown = [...params.keys()].filter((key) => !['endpoint', 'region', 'prefix'].includes(key));
    if (unknown.length > 0) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `unknown parameter(s) ${unknown.join(', ')}: use endpoint, region, prefix` });
    const endpoint = params.get('endpoint') ?? undefined;
    if (endpoint !== undefined && !isHttpUrl(endpoint)) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `endpoint '${endpoint}' is not an http(s) URL` });
    return {
      kind: 's3',
      bucket,
      ...(endpoint ? { endpoint } : {}),
      ...(params.get('region') ? { region: params.get('region')! } : {}),
      ...(params.get('prefix') ? { prefix: params.get('prefix')! } : {}),
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `unsupported scheme in '${raw}': use an absolute folder or s3://bucket/prefix` });
  } else if (!isAbsolute(raw)) {
    problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${raw}' is not an absolute path (the folder must be the one the services use)` });
  }
  return { kind: 'directory', root: raw };
}

/** SLUICE_WORKER_CONCURRENCY alone, for a worker composed elsewhere (the embedded platform's, default 4 there). */
export function workerConcurrencyFrom(env: Env, fallback: number): number {
  const problems: ConfigProblems = [];
  const concurrency = integer(env, 'SLUICE_WORKER_CONCURRENCY', fallback, 1, 64, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return concurrency;
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const problems: ConfigProblems = [];
  const token = env.SLUICE_TOKEN?.trim() || undefined;
  if (token && /\s/.test(token)) problems.push({ variable: 'SLUICE_TOKEN', reason: 'contains white space' });
  const jobsUrl = jobsUrlFrom(env, problems);
  const config: WorkerConfig = {
    jobsUrl,
    uploadUrl: jobsUrl.replace(/\/graphql\/?$/, ''),
    ...(token ? { token } : {}),
    concurrency: integer(env, 'SLUICE_WORKER_CONCURRENCY', 2, 1, 64, problems),
    artifacts: artifactsFrom(env, problems),
    heartbeatIntervalMs: integer(env, 'SLUICE_WORKER_HEARTBEAT_MS', 30_000, 100, 3_600_000, problems),
    stopGraceMs: integer(env, 'SLUICE_WORKER_STOP_GRACE_MS', 25_000, 0, 3_600_000, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The one reader of the worker process's environment (`main.ts` passes it `process.env`): its settings and its providers'. */
export function loadWorkerProcessConfig(env: Env): WorkerConfig & { providers: ProviderConfig } {
  return { ...loadWorkerConfig(env), providers: loadProviderConfig(env) };
}
