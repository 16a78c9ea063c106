// `npm run start:distributed`: PostgreSQL and Kafka ensured, then every service its own OS process (topology.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Env } from '@sluice/runtime';
import { detachedBrokerStatus, startKafkaBroker } from '@sluice/testing';
import { loadDistributedConfig, type DistributedConfig } from './distributed-config';
import { startDistributedTopology, type DistributedTopology } from './topology';

const ROOT = join(__dirname, '../../..');
const say = (line: string) => console.log(`[start:distributed] ${line}`);

function ensurePostgres(config: DistributedConfig, parentEnv: Env): void {
  if (!/^postgres(ql)?:\/\//.test(config.eventStore)) return;
  // The default local server may be started; a given one is only checked.
  const { SLUICE_TEST_POSTGRES_URL: _ignored, ...inherited } = parentEnv;
  const env = config.localPostgres ? inherited : { ...inherited, SLUICE_TEST_POSTGRES_URL: config.eventStore };
  const checked = spawnSync('bash', [join(ROOT, 'infra/postgres/ensure.sh')], { env, stdio: 'inherit' });
  if (checked.status !== 0) throw new Error(`PostgreSQL is not reachable for SLUICE_EVENT_STORE (${config.eventStore.replace(/\/\/[^@/]*@/, '//')})`);
}

/** Several gateways run behind Debian's HAProxy: installed when missing (as root), else a clear way out. */
function ensureHaproxy(env: Env): void {
  const checked = spawnSync('bash', [join(ROOT, 'scripts/ensure-haproxy.sh')], { env, stdio: 'inherit' });
  if (checked.status !== 0) throw new Error('HAProxy, the load balancer in front of the gateways, could not be installed: install Debian\'s haproxy, or run one gateway (SLUICE_GATEWAYS=1)');
}

async function kafkaBrokers(config: DistributedConfig): Promise<string[]> {
  if (config.kafkaBrokers) return config.kafkaBrokers;
  const workDir = join(config.dataDir, 'kafka');
  const status = detachedBrokerStatus(workDir);
  if (status.running && status.brokers) {
    say(`Kafka already running (pid ${status.pid}): ${status.brokers.join(',')}`);
    return status.brokers;
  }
  say(`starting a local Kafka broker on 127.0.0.1:${config.kafkaPort} (data in ${workDir}; stop it with npm run kafka:stop, with the same SLUICE_DATA_DIR)…`);
  mkdirSync(workDir, { recursive: true });
  const broker = await startKafkaBroker({ port: config.kafkaPort, workDir, detached: true });
  return broker.brokers;
}

/** `env`: the operator's environment, read by distributed-config.ts and passed on to the scripts and processes it starts. */
async function main(env: Env): Promise<void> {
  const config = loadDistributedConfig(env);
  ensurePostgres(config, env);
  const brokers = await kafkaBrokers(config);
  if (config.gateways > 1) ensureHaproxy(env);
  mkdirSync(config.artifactsDir, { recursive: true });
  const width = 13;
  let topology: DistributedTopology | undefined;
  let stopping = false;
  const started = Date.now();
  topology = await startDistributedTopology({
    inheritedEnv: env,
    eventStore: config.eventStore,
    eventStoreSchema: config.eventStoreSchema,
    kafkaBrokers: brokers,
    artifactsDir: config.artifactsDir,
    dataDir: config.dataDir,
    engines: config.engines,
    workers: config.workers,
    gateways: config.gateways,
    projections: config.projections,
    gatewayPort: config.port,
    env: { SLUICE_LOG_FORMAT: config.logFormat },
    onLine: (name, line) => console.log(`${name.padEnd(width)}| ${line}`),
  });
  say(`Sluice (distributed) is running at ${topology.gatewayUrl} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (topology.balancer) say(`  HAProxy (pid ${topology.balancer.pid}) balances ${config.gateways} gateways; a client whose gateway dies reconnects through it`);
  say(`  GraphQL ${topology.gatewayUrl}/graphql   health ${topology.gatewayUrl}/healthz, ${topology.gatewayUrl}/readyz, metrics ${topology.gatewayUrl}/metrics`);
  say(`  webhooks POST ${topology.gatewayUrl}/webhooks/{github|gitlab|generic}/{webhookId} (secrets in ${join(config.dataDir, 'webhook-secrets.json')}) and POST ${topology.gatewayUrl}/webhooks/aws/{id} (PutWebhook); the git poller runs in the triggers process`);
  say(`  store ${config.eventStore.replace(/\/\/[^@/]*@/, '//')}${config.eventStoreSchema ? ` (schema ${config.eventStoreSchema})` : ''}; Kafka ${brokers.join(',')}; artifacts ${config.artifactsDir}`);
  if (topology.adminCreated) say(`Created the admin of account 'default'. Its token (shown once; kept in ${join(config.dataDir, 'admin-token')}): ${topology.adminToken}`);
  if (topology.adminToken) say(`  admin token (account default) in ${join(config.dataDir, 'admin-token')}: send it as "Authorization: Bearer <token>"`);
  else say(`  no admin token in ${join(config.dataDir, 'admin-token')}: the workers have no SLUICE_TOKEN and cannot take jobs; give them one`);
  for (const p of topology.processes) say(`  ${p.name.padEnd(width)} pid ${String(p.pid).padEnd(8)} ${p.url ?? '(takes jobs through the gateway)'}`);
  for (const p of topology.processes) {
    void p.exited.then((end) => {
      if (!stopping) say(`${p.name} (pid ${p.pid}) exited (${end.signal ?? `code ${end.code}`}); the others keep running — Ctrl-C stops all`);
    });
  }
  const stopAll = (signal: string) => {
    if (stopping) {
      say(`${signal} again: killing every process`);
      for (const p of topology!.processes) void p.kill();
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: stopping every process (SIGTERM, then SIGKILL after a grace)…`);
    topology!.stop().then(
      () => {
        say('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
}

main(process.env).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `[start:distributed] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
