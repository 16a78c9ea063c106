import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { LoadedPlatformConfig } from '../testing/loaded-platform-configs';

// loadPlatformConfig in a child process (it loads the services' configuration, hence NestJS, which jest cannot load):
// every environment below at once, in one process.
const ROOT = join(__dirname, '../../..');
const SECRET = 's'.repeat(32);
const ENVS = {
  empty: {},
  set: {
    SLUICE_DATA_DIR: '/srv/sluice',
    SLUICE_INTERNAL_SECRET: SECRET,
    SLUICE_BIND_ADDRESS: '0.0.0.0',
    SLUICE_STARTUP_TRACE: '1',
    SLUICE_WORKER_CONCURRENCY: '2',
    SLUICE_POLL_INTERVAL_MS: '5000',
    SLUICE_AUDIT_READS: 'false',
    SLUICE_LOG_FORMAT: 'json',
  },
  bad: { SLUICE_LOG_FORMAT: 'xml', SLUICE_KAFKA_BROKERS: 'nohost', SLUICE_WORKER_CONCURRENCY: '0', SLUICE_SANDBOX: 'none', SLUICE_ARTIFACT_RETENTION_DAYS: '-1', SLUICE_METRICS_PUBLIC: 'yes' },
  badPollInterval: { SLUICE_POLL_INTERVAL_MS: '10ms' },
} satisfies Record<string, Record<string, string>>;

let loaded: Record<keyof typeof ENVS, LoadedPlatformConfig>;
// The child's own environment holds nothing of Sluice's: what it prints comes from the environments given.
const inheritable = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_')));

beforeAll(() => {
  const names = Object.keys(ENVS) as Array<keyof typeof ENVS>;
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'platform/src/testing/loaded-platform-configs.ts')], {
    cwd: ROOT,
    env: inheritable,
    input: JSON.stringify(names.map((name) => ENVS[name])),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const results = JSON.parse(out) as LoadedPlatformConfig[];
  loaded = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as typeof loaded;
}, 150_000);

const configOf = (name: keyof typeof ENVS) => {
  const result = loaded[name];
  if (!result.ok) throw new Error(`${name}: ${result.message}`);
  return result.config as {
    dataDir: string;
    runtime: Record<string, unknown>;
    log: unknown;
    startupTrace: boolean;
    workerConcurrency: number;
    pollIntervalMs: number;
    serve: { port: number; host: string; internalSecret: string };
    providers: { deployRoots: string[] };
    gateway: { auditReads: boolean; limits: { metricsPublic: boolean } };
  };
};

describe('loadPlatformConfig', () => {
  it('defaults to the data folder ./.sluice, text logs, 4 jobs at once, a poll a minute, and subgraphs on loopback with a fresh secret', () => {
    const config = configOf('empty');
    expect(config.dataDir).toBe(resolve(ROOT, '.sluice'));
    expect(config.runtime).toMatchObject({ eventStore: { kind: 'embedded', dataDir: './.sluice/events' }, bus: { kind: 'in-process' }, port: 4000 });
    expect(config.log).toEqual({ format: 'text', level: 'info' });
    expect([config.startupTrace, config.workerConcurrency, config.pollIntervalMs]).toEqual([false, 4, 60_000]);
    expect(config.serve).toEqual({ port: 0, host: '127.0.0.1', internalSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(config.providers.deployRoots).toEqual([resolve(ROOT, '.sluice/deployments')]);
    expect(config.gateway).toMatchObject({ auditReads: true, limits: { metricsPublic: false } });
  });

  it('takes what the operator sets: the secret passed to the subgraphs, the worker, the poller, the gateway, the log', () => {
    const config = configOf('set');
    expect(config.dataDir).toBe('/srv/sluice');
    expect(config.serve).toEqual({ port: 0, host: '0.0.0.0', internalSecret: SECRET });
    expect([config.startupTrace, config.workerConcurrency, config.pollIntervalMs, config.gateway.auditReads]).toEqual([true, 2, 5000, false]);
    expect(config.log).toEqual({ format: 'json', level: 'info' });
    expect(config.providers.deployRoots).toEqual(['/srv/sluice/deployments']);
  });

  it('names every bad variable of the log, the store, the worker, the artifacts and the gateway at once', () => {
    expect(loaded.bad).toMatchObject({
      ok: false,
      variables: ['SLUICE_LOG_FORMAT', 'SLUICE_KAFKA_BROKERS', 'SLUICE_WORKER_CONCURRENCY', 'SLUICE_SANDBOX', 'SLUICE_ARTIFACT_RETENTION_DAYS', 'SLUICE_METRICS_PUBLIC'],
    });
  });

  it('stops at a bad poll interval with its own message', () => {
    expect(loaded.badPollInterval).toMatchObject({ ok: false, message: expect.stringMatching(/^SLUICE_POLL_INTERVAL_MS: expected a whole number/) });
  });
});
