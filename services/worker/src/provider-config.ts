import { pipelineBucketsConfigFrom, type PipelineBucketsConfig } from '@sluice/artifact-store';
import { isAbsolute } from 'node:path';
import { ConfigError, type ConfigProblems, type Env } from '@sluice/runtime';

/** How jobs' commands are isolated from the machine that runs them (decision 0026). */
export type SandboxMode =
  /** bubblewrap (Debian's `bubblewrap`): own namespaces, only the job's workspace writable, nothing of the server visible. */
  | 'bubblewrap'
  /** The operator's explicit choice to run commands as the worker's own user, with the worker's view of the machine. */
  | 'unsandboxed';

export interface JobLimits {
  /** Memory of all the job's processes together (a cgroup where the worker may make one, else per process). */
  memoryMiB: number;
  /** Processes and threads of the job at once. */
  processes: number;
  /** CPU time of each process of the job. */
  cpuSeconds: number;
  /** Largest file a job may write. */
  fileSizeMiB: number;
  /** Open files per process. */
  openFiles: number;
}

export interface SandboxConfig {
  mode: SandboxMode;
  /** The unprivileged user jobs run as when the worker runs as root (`SLUICE_SANDBOX_USER`, default `sluice-job`). */
  user: string;
  /** Action types (`Build/Sluice/Commands/1`, or without the version, or a category `Test`) whose jobs get no network. */
  noNetwork: string[];
  limits: JobLimits;
}

export interface GitCredentialsConfig {
  username: string;
  password: string;
  /** The only hosts (`host` or `host:port`) the credentials are ever sent to. */
  hosts: string[];
}

/** What the built-in providers are allowed to do on this machine: the operator's settings, every bad variable named at once. */
export interface ProviderConfig {
  /** `SLUICE_S3_ENDPOINT`, `SLUICE_S3_REGION`, `SLUICE_S3_ACCESS_KEY_ID`, `SLUICE_S3_SECRET_ACCESS_KEY`: the S3-compatible store of `Source/S3` and `Deploy/S3`. */
  s3?: PipelineBucketsConfig;
  sandbox: SandboxConfig;
  /** `SLUICE_DEPLOY_ROOTS`: folders `Deploy/Sluice/Directory` may deploy under; none = every Directory deploy is refused. */
  deployRoots: string[];
  /** `SLUICE_HTTP_ALLOWED_HOSTS`: hosts `Invoke/Sluice/Http` may call; none = every call is refused. */
  httpAllowedHosts: string[];
  /** `SLUICE_GIT_USERNAME` / `SLUICE_GIT_PASSWORD`, for the hosts of `SLUICE_GIT_CREDENTIAL_HOSTS` only. */
  gitCredentials?: GitCredentialsConfig;
}

export const DEFAULT_JOB_LIMITS: JobLimits = { memoryMiB: 4096, processes: 512, cpuSeconds: 3600, fileSizeMiB: 4096, openFiles: 4096 };
export const DEFAULT_SANDBOX_USER = 'sluice-job';

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function limit(env: Env, variable: string, fallback: number, max: number, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) problems.push({ variable, reason: `'${raw}' is not a whole number from 1 to ${max}` });
  return value;
}

const hostPattern = /^(\*\.)?([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;
const actionTypePattern = /^(Source|Build|Test|Deploy|Approval|Invoke)(\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)?)?)?$/;

/**
 * The providers' settings. `defaults.deployRoots` is what the embedded platform allows without being
 * told (its own data folder's `deployments/`); a worker process on its own allows nothing by default.
 */
export function loadProviderConfig(env: Env, defaults: { deployRoots?: string[] } = {}): ProviderConfig {
  const problems: ConfigProblems = [];

  const modeRaw = env.SLUICE_SANDBOX?.trim() || 'bubblewrap';
  if (modeRaw !== 'bubblewrap' && modeRaw !== 'unsandboxed') {
    problems.push({ variable: 'SLUICE_SANDBOX', reason: `'${modeRaw}' is not one of bubblewrap, unsandboxed` });
  }
  const user = env.SLUICE_SANDBOX_USER?.trim() || DEFAULT_SANDBOX_USER;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) problems.push({ variable: 'SLUICE_SANDBOX_USER', reason: `'${user}' is not a user name` });
  const noNetwork = list(env.SLUICE_SANDBOX_NO_NETWORK);
  for (const type of noNetwork) {
    if (!actionTypePattern.test(type)) problems.push({ variable: 'SLUICE_SANDBOX_NO_NETWORK', reason: `'${type}' is not an action type (Category[/Owner[/Provider[/Version]]], e.g. Test or Build/Sluice/Commands)` });
  }
  const limits: JobLimits = {
    memoryMiB: limit(env, 'SLUICE_JOB_MEMORY_MB', DEFAULT_JOB_LIMITS.memoryMiB, 1_048_576, problems),
    processes: limit(env, 'SLUICE_JOB_PROCESSES', DEFAULT_JOB_LIMITS.processes, 1_000_000, problems),
    cpuSeconds: limit(env, 'SLUICE_JOB_CPU_SECONDS', DEFAULT_JOB_LIMITS.cpuSeconds, 31_536_000, problems),
    fileSizeMiB: limit(env, 'SLUICE_JOB_FILE_SIZE_MB', DEFAULT_JOB_LIMITS.fileSizeMiB, 1_048_576, problems),
    openFiles: limit(env, 'SLUICE_JOB_OPEN_FILES', DEFAULT_JOB_LIMITS.openFiles, 1_048_576, problems),
  };

  const deployRootsRaw = env.SLUICE_DEPLOY_ROOTS;
  const deployRoots = deployRootsRaw !== undefined && deployRootsRaw.trim() !== '' ? deployRootsRaw.split(/[,:]/).map((root) => root.trim()).filter(Boolean) : (defaults.deployRoots ?? []);
  for (const root of deployRoots) {
    if (!isAbsolute(root)) problems.push({ variable: 'SLUICE_DEPLOY_ROOTS', reason: `'${root}' is not an absolute path` });
    else if (root.replace(/\/+$/, '') === '') problems.push({ variable: 'SLUICE_DEPLOY_ROOTS', reason: "'/' would allow deploys anywhere: name the folders" });
  }

  const httpAllowedHosts = list(env.SLUICE_HTTP_ALLOWED_HOSTS);
  for (const host of httpAllowedHosts) {
    if (!hostPattern.test(host)) problems.push({ variable: 'SLUICE_HTTP_ALLOWED_HOSTS', reason: `'${host}' is not a host name or address with an optional :port (e.g. hooks.example.com, *.internal.test, 127.0.0.1:8080)` });
  }

  const username = env.SLUICE_GIT_USERNAME ?? '';
  const password = env.SLUICE_GIT_PASSWORD ?? '';
  const credentialHosts = list(env.SLUICE_GIT_CREDENTIAL_HOSTS);
  let gitCredentials: GitCredentialsConfig | undefined;
  if (username !== '' || password !== '') {
    if (credentialHosts.length === 0) {
      problems.push({ variable: 'SLUICE_GIT_CREDENTIAL_HOSTS', reason: 'not set: name the hosts SLUICE_GIT_USERNAME/SLUICE_GIT_PASSWORD may be sent to (e.g. github.com), so a pipeline cannot send them elsewhere' });
    }
    for (const host of credentialHosts) {
      if (!hostPattern.test(host) || host.startsWith('*.')) problems.push({ variable: 'SLUICE_GIT_CREDENTIAL_HOSTS', reason: `'${host}' is not a host name with an optional :port` });
    }
    gitCredentials = { username, password, hosts: credentialHosts };
  } else if (credentialHosts.length > 0) {
    problems.push({ variable: 'SLUICE_GIT_CREDENTIAL_HOSTS', reason: 'set without SLUICE_GIT_USERNAME or SLUICE_GIT_PASSWORD' });
  }

  const s3 = pipelineBucketsConfigFrom(env);
  problems.push(...s3.problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(s3.config ? { s3: s3.config } : {}),
    sandbox: { mode: modeRaw as SandboxMode, user, noNetwork, limits },
    deployRoots,
    httpAllowedHosts,
    ...(gitCredentials ? { gitCredentials } : {}),
  };
}
