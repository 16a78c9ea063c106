import { isAbsolute, resolve } from 'node:path';
import { ConfigError, gathered, loadRuntimeConfig, portFrom, type ConfigProblems, type Env } from '@sluice/runtime';

/** What `npm run start:distributed` runs, from the environment; every bad variable named at once. */
export interface DistributedConfig {
  /** `SLUICE_EVENT_STORE`: postgres://… (default the local server's `postgres` database) or esdb://…. */
  eventStore: string;
  eventStoreSchema?: string;
  /** True when the store is the default local PostgreSQL, which the script may start (infra/postgres/ensure.sh). */
  localPostgres: boolean;
  /** `SLUICE_KAFKA_BROKERS`; absent: a local broker is started (infra/kafka) on `kafkaPort`. */
  kafkaBrokers?: string[];
  /** `SLUICE_KAFKA_PORT` of that local broker (9092). */
  kafkaPort: number;
  /** `SLUICE_PORT`: the gateway's port (4000). */
  port: number;
  /** `SLUICE_ENGINES` (2) and `SLUICE_WORKERS` (2). */
  engines: number;
  workers: number;
  /** `SLUICE_GATEWAYS` (2): more than one run behind HAProxy on `port` (balancer.ts). */
  gateways: number;
  /**
   * `SLUICE_PROJECTIONS` (1): processes folding the durable read models apart from the APIs (decision 0061); 0 leaves
   * the folding to the permissions process.
   */
  projections: number;
  /** `SLUICE_DATA_DIR` (./.sluice) made absolute: artifacts in `<dataDir>/artifacts` (or `SLUICE_ARTIFACTS`), the local broker in `<dataDir>/kafka`. */
  dataDir: string;
  artifactsDir: string;
  /** `SLUICE_LOG_FORMAT` of every process: JSON lines unless the operator says otherwise (each process checks the value). */
  logFormat: string;
}

export const DEFAULT_DISTRIBUTED_STORE = 'postgres://postgres@127.0.0.1:5432/postgres';

function count(env: Env, variable: string, fallback: number, problems: ConfigProblems, least = 1): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least || value > 16) problems.push({ variable, reason: `'${raw}' is not a whole number from ${least} to 16` });
  return value;
}

/** The one reader of the environment of `npm run start:distributed` (besides the environment the children inherit: topology.ts). */
export function loadDistributedConfig(env: Env, cwd = process.cwd()): DistributedConfig {
  const problems: ConfigProblems = [];
  const eventStore = env.SLUICE_EVENT_STORE?.trim() || DEFAULT_DISTRIBUTED_STORE;
  // The same validation every process does (store URL, schema, brokers), so a bad value stops here, once.
  const runtime = gathered(problems, () => loadRuntimeConfig({ ...env, SLUICE_EVENT_STORE: eventStore, SLUICE_PORT: '0' }));
  if (runtime?.eventStore.kind === 'embedded') {
    problems.push({ variable: 'SLUICE_EVENT_STORE', reason: `'${eventStore}' is a folder: distributed mode needs a shared store, postgres://… or esdb://…` });
  }
  const kafkaPortRaw = env.SLUICE_KAFKA_PORT?.trim() || '9092';
  const kafkaPort = Number(kafkaPortRaw);
  if (!Number.isInteger(kafkaPort) || kafkaPort < 1 || kafkaPort > 65535) problems.push({ variable: 'SLUICE_KAFKA_PORT', reason: `'${kafkaPortRaw}' is not a port number` });
  const port = env.SLUICE_PORT?.trim() ? portFrom(env, problems) : 4000;
  const dataDir = resolve(cwd, env.SLUICE_DATA_DIR?.trim() || './.sluice');
  const artifacts = env.SLUICE_ARTIFACTS?.trim();
  if (artifacts && !isAbsolute(artifacts)) problems.push({ variable: 'SLUICE_ARTIFACTS', reason: `'${artifacts}' is not an absolute path` });
  const config: DistributedConfig = {
    eventStore,
    ...(env.SLUICE_EVENT_STORE_SCHEMA?.trim() ? { eventStoreSchema: env.SLUICE_EVENT_STORE_SCHEMA.trim() } : {}),
    localPostgres: eventStore === DEFAULT_DISTRIBUTED_STORE,
    ...(runtime?.bus.kind === 'kafka' ? { kafkaBrokers: runtime.bus.brokers } : {}),
    kafkaPort,
    port,
    engines: count(env, 'SLUICE_ENGINES', 2, problems),
    workers: count(env, 'SLUICE_WORKERS', 2, problems),
    gateways: count(env, 'SLUICE_GATEWAYS', 2, problems),
    projections: count(env, 'SLUICE_PROJECTIONS', 1, problems, 0),
    dataDir,
    artifactsDir: artifacts || resolve(dataDir, 'artifacts'),
    logFormat: env.SLUICE_LOG_FORMAT?.trim() || 'json',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
