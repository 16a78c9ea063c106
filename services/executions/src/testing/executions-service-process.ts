import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';

const root = join(__dirname, '../../../..');

/**
 * The service as it runs (its `src/main.ts` compiled, as `npm run start:distributed` runs it) on the real PostgreSQL store in `schema`, with
 * its in-process bus and relay: pipeline events a test appends to that schema reach its engine.
 */
export function startExecutionsService(schema: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startServiceProcess({
    name: 'executions service',
    script: join(root, 'services/executions/src/main.ts'),
    cwd: root,
    env: { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '', ...env },
  });
}
