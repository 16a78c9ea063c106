import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { dropTestSchema, newTestSchema as newSchema, testPostgresUrl } from '@sluice/testing';

export type PermissionsServiceProcess = ServiceProcess;

const root = join(__dirname, '../../../..');

/** A fresh PostgreSQL schema name for one test file's event store. */
export const newTestSchema = (): string => newSchema('permissions');
export { dropTestSchema };

/**
 * The service as it runs (its `src/main.ts` compiled, as `npm run start:distributed` runs it) on the real PostgreSQL event store, in a child process.
 * `env` adds to its environment (SLUICE_DATA_DIR for its audit checkpoints, SLUICE_AUDIT_KEY for the chain's key).
 */
export function startPermissionsService(schema: string, options: { env?: Record<string, string> } = {}): Promise<PermissionsServiceProcess> {
  return startServiceProcess({
    name: 'permissions service',
    script: join(root, 'services/permissions/src/main.ts'),
    cwd: root,
    env: { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '', SLUICE_INTERNAL_SECRET: '', ...options.env },
  });
}

/** Who a test calls the service as: an account, and the principal and token the gateway would have authenticated. */
export interface As {
  account: string;
  principal?: string;
  tokenId?: string;
}

/** The headers the gateway sends for `as` (actor `test` when no principal is named). */
export const headersOf = ({ account, principal, tokenId }: As) => ({
  'x-sluice-account': account,
  'x-sluice-actor': principal ?? 'test',
  ...(principal ? { 'x-sluice-principal': principal } : {}),
  ...(tokenId ? { 'x-sluice-token-id': tokenId } : {}),
});
