// The permissions service's public entry: what composes it into a platform.
// The Nest app is loaded when called, not when this file is imported: NestJS 12 is ESM-only and jest cannot load
// it, and code that jest runs (the distributed topology) needs only ensureAdmin from here.
import type { PermissionsApp, PermissionsAppOptions } from './permissions-app';

export type { PermissionsApp, PermissionsAppOptions } from './permissions-app';
/** Its projections, for `npm run rebuild-projections`. */
export { permissionsProjections } from './projections/permissions-read-models';
/** The service's configuration, read from the environment once. */
export { loadPermissionsConfig, type PermissionsConfig } from './permissions-config';
export { ensureAdmin, type EnsureAdminOptions, type EnsuredAdmin } from './bootstrap/ensure-admin';
export { ensureAdminAccessKey, ADMIN_CREDENTIALS_FILE } from './bootstrap/ensure-admin-access-key';
export { accessKeyCipherFromEnv, type AccessKeyCipher } from './application/access-key-cipher';
export { auditCheckpointsFromEnv, fileAuditCheckpoints, type AuditCheckpoints } from './application/audit-checkpoints';

/** The permissions subgraph on a given store (see `permissions-app.ts`). */
export async function createPermissionsApp(options: PermissionsAppOptions): Promise<PermissionsApp> {
  const { createPermissionsApp: create } = await import('./permissions-app');
  return create(options);
}
