import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';

export type { GraphQLResponse } from '@sluice/graphql-service/testing';
export type PipelinesServiceProcess = ServiceProcess;

const root = join(__dirname, '../../../..');

/** The service as it runs (its `src/main.ts` compiled, as `npm run start:distributed` runs it) on the real PostgreSQL event store, in a child process. */
export function startPipelinesService(schema: string, env: Record<string, string> = {}): Promise<PipelinesServiceProcess> {
  return startServiceProcess({
    name: 'pipelines service',
    script: join(root, 'services/pipelines/src/main.ts'),
    cwd: root,
    env: { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '', ...env },
  });
}
