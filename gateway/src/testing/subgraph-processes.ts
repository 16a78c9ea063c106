import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { dropTestSchema, newTestSchema as newSchema, testPostgresUrl } from '@sluice/testing';
import type { SubgraphEndpoint } from '../subgraph-config';

const root = join(__dirname, '../../..');

export interface SubgraphProcesses {
  pipelines: ServiceProcess;
  executions: ServiceProcess;
  /** As the gateway is configured with them (SLUICE_SUBGRAPHS). */
  endpoints: SubgraphEndpoint[];
  stop(): Promise<void>;
}

/** A fresh PostgreSQL schema name: one event store for a test file. */
export const newTestSchema = (): string => newSchema('gateway');

export { dropTestSchema };

/**
 * The pipelines and executions services as they run in distributed mode, each its own OS process, on one
 * PostgreSQL store (`schema`). Without Kafka, the executions process relays the store's pipeline events to
 * its own in-process bus: that is how its engine learns the pipelines created through the other service.
 */
export async function startSubgraphProcesses(schema: string): Promise<SubgraphProcesses> {
  const env = { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '' };
  const start = (name: 'pipelines' | 'executions') =>
    startServiceProcess({ name: `${name} service`, script: join(root, `services/${name}/src/main.ts`), cwd: root, env });
  const [pipelines, executions] = await Promise.allSettled([start('pipelines'), start('executions')]);
  if (pipelines.status === 'rejected' || executions.status === 'rejected') {
    await Promise.all([pipelines, executions].map((p) => (p.status === 'fulfilled' ? p.value.stop() : undefined)));
    throw pipelines.status === 'rejected' ? pipelines.reason : (executions as PromiseRejectedResult).reason;
  }
  return {
    pipelines: pipelines.value,
    executions: executions.value,
    endpoints: [
      { name: 'pipelines', url: `${pipelines.value.url}/graphql` },
      { name: 'executions', url: `${executions.value.url}/graphql` },
    ],
    stop: async () => void (await Promise.all([pipelines.value.stop(), executions.value.stop()])),
  };
}
