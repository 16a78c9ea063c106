/**
 * Which adapters a process runs on, read from environment variables and validated at start.
 * Services never know which adapters they run on: they receive the ports opened from this.
 */

export type EventStoreConfig =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'postgres'; connectionString: string; schema: string }
  | { kind: 'eventstoredb'; connectionString: string };

export type BusConfig = { kind: 'in-process' } | { kind: 'kafka'; brokers: string[]; clientId: string };

export interface RuntimeConfig {
  /** `SLUICE_DATA_DIR`: everything an embedded platform keeps (events, artifacts, the demo), as given. */
  dataDir: string;
  eventStore: EventStoreConfig;
  bus: BusConfig;
  /** `SLUICE_PORT`: HTTP port of the platform's gateway (/graphql, /healthz, /readyz). */
  port: number;
}

/** Every bad variable at once, each named, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: Array<{ variable: string; reason: string }>) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`);
  }
}

export type Env = Record<string, string | undefined>;
export type ConfigProblems = Array<{ variable: string; reason: string }>;

/**
 * `read`'s value, or undefined with its problems added to `problems` when it throws a `ConfigError`: so that a loader
 * built of other loaders names every bad variable at once. Anything else `read` throws passes through.
 */
export function gathered<T>(problems: ConfigProblems, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** The problems `read` refuses with (its `ConfigError`'s), or none when it accepts. */
export function configProblemsOf(read: () => unknown): ConfigProblems {
  const problems: ConfigProblems = [];
  gathered(problems, read);
  return problems;
}
type Problems = ConfigProblems;

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

function dataDirFrom(env: Env): string {
  return env.SLUICE_DATA_DIR?.trim() || './.sluice';
}

function eventStoreFrom(env: Env, dataDir: string, problems: Problems): EventStoreConfig {
  const value = env.SLUICE_EVENT_STORE?.trim() || `${dataDir.replace(/\/+$/, '')}/events`;
  if (/^postgres(ql)?:\/\//.test(value)) {
    const schema = env.SLUICE_EVENT_STORE_SCHEMA?.trim() || 'sluice';
    if (!SCHEMA.test(schema)) {
      problems.push({ variable: 'SLUICE_EVENT_STORE_SCHEMA', reason: `'${schema}' is not a schema name (lower-case letters, digits, _)` });
    }
    return { kind: 'postgres', connectionString: value, schema };
  }
  if (/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kurrent|kurrent\+discover):\/\//.test(value)) {
    return { kind: 'eventstoredb', connectionString: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    problems.push({
      variable: 'SLUICE_EVENT_STORE',
      reason: `unknown scheme in '${value}': use postgres://…, esdb://… or kurrentdb://…, or a folder for the embedded store`,
    });
  }
  return { kind: 'embedded', dataDir: value };
}

function busFrom(env: Env, problems: Problems): BusConfig {
  const brokers = env.SLUICE_KAFKA_BROKERS?.trim();
  if (!brokers) return { kind: 'in-process' };
  const list = brokers.split(',').map((b) => b.trim());
  const bad = list.filter((b) => !HOST_PORT.test(b));
  if (bad.length > 0) {
    problems.push({ variable: 'SLUICE_KAFKA_BROKERS', reason: `not host:port: ${bad.map((b) => `'${b}'`).join(', ')}` });
  }
  return { kind: 'kafka', brokers: list, clientId: env.SLUICE_KAFKA_CLIENT_ID?.trim() || 'sluice' };
}

/** SLUICE_PORT (default 4000), shared by every process that serves HTTP; a bad value is added to `problems`. */
export function portFrom(env: Env, problems: Problems): number {
  const raw = env.SLUICE_PORT?.trim();
  if (!raw) return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({ variable: 'SLUICE_PORT', reason: `'${raw}' is not a port number (0-65535)` });
  }
  return port;
}

export function loadRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const problems: Problems = [];
  const dataDir = dataDirFrom(env);
  const config = { dataDir, eventStore: eventStoreFrom(env, dataDir, problems), bus: busFrom(env, problems), port: portFrom(env, problems) };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
