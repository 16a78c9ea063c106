import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { dropTestSchema, newTestSchema as newSchema, testPostgresUrl } from '@sluice/testing';
import type { SubgraphEndpoint } from '../gateway-config';

const root = join(__dirname, '../../..');

export interface SubgraphProcesses {
  pipelines: ServiceProcess;
  executions: ServiceProcess;
  /** Tokens and identities: the gateway authenticates every request with it (testing/test-gateway.ts). */
  permissions: ServiceProcess;
  /** Only when started with `artifactsDir`: metadata, claims and the byte routes workers upload to through the gateway. */
  artifacts?: ServiceProcess;
  /** As the gateway is configured with them (SLUICE_SUBGRAPHS). */
  endpoints: SubgraphEndpoint[];
  /** Their SLUICE_INTERNAL_SECRET, which the gateway must send (startTestGateway does). */
  internalSecret: string;
  /** The executions process's log store (SLUICE_LOGS): the gateway reads the text of action logs there. */
  logsDir: string;
  stop(): Promise<void>;
}

/** A fresh PostgreSQL schema name: one event store for a test file. */
export const newTestSchema = (): string => newSchema('gateway');

export { dropTestSchema };

/**
 * The pipelines, executions and permissions services as they run in distributed mode, each its own OS process,
 * on one PostgreSQL store (`schema`). Without Kafka, the executions process relays the store's pipeline events to
 * its own in-process bus: that is how its engine learns the pipelines created through the other service.
 * `internalSecret` (default: 32 random bytes) is given to every process as SLUICE_INTERNAL_SECRET (the gateway must then send it);
 * `env` is added to their environment (e.g. SLUICE_ACCESS_KEY_MASTER_KEY for access keys). With `artifactsDir`, the
 * artifacts service runs too, its store in that folder (SLUICE_ARTIFACTS; its data folder beside it, `<dir>.data`).
 */
export async function startSubgraphProcesses(schema: string, options: { internalSecret?: string; env?: Record<string, string>; artifactsDir?: string } = {}): Promise<SubgraphProcesses> {
  const internalSecret = options.internalSecret ?? randomBytes(32).toString('base64url');
  const logsDir = options.env?.SLUICE_LOGS ?? join(tmpdir(), `sluice-logs-${schema}`);
  const env = { ...options.env, SLUICE_LOGS: logsDir, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '', SLUICE_INTERNAL_SECRET: internalSecret };
  const names = ['pipelines', 'executions', 'permissions', ...(options.artifactsDir ? (['artifacts'] as const) : [])] as const;
  const envOf = (name: string) => (name === 'artifacts' ? { ...env, SLUICE_ARTIFACTS: options.artifactsDir!, SLUICE_DATA_DIR: `${options.artifactsDir!}.data` } : env);
  const started = await Promise.allSettled(
    names.map((name) => startServiceProcess({ name: `${name} service`, script: join(root, `services/${name}/src/main.ts`), cwd: root, env: envOf(name) })),
  );
  const failed = started.find((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((p) => (p.status === 'fulfilled' ? p.value.stop() : undefined)));
    throw failed.reason;
  }
  const processes = started.map((p) => (p as PromiseFulfilledResult<ServiceProcess>).value);
  const [pipelines, executions, permissions, artifacts] = processes as [ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess | undefined];
  return {
    pipelines,
    executions,
    permissions,
    ...(artifacts ? { artifacts } : {}),
    endpoints: [
      { name: 'pipelines', url: `${pipelines.url}/graphql` },
      { name: 'executions', url: `${executions.url}/graphql` },
      { name: 'permissions', url: `${permissions.url}/graphql` },
      ...(artifacts ? [{ name: 'artifacts', url: `${artifacts.url}/graphql` }] : []),
    ],
    internalSecret,
    logsDir,
    stop: async () => {
      await Promise.all(processes.map((process) => process.stop()));
      if (options.env?.SLUICE_LOGS === undefined) await rm(logsDir, { recursive: true, force: true });
    },
  };
}
