// The permissions service's public entry: what composes it into a platform.
export { composePermissions, createPermissionsService, loadPermissionsApi, type PermissionsApplication, type PermissionsParts, type PermissionsService, type PermissionsServiceOptions } from './permissions-service';
/** The service's configuration, read from the environment once. */
export { loadPermissionsConfig, type PermissionsConfig } from './permissions-config';
/** Its projections, for `npm run rebuild-projections`. */
export { permissionsProjections } from './projections/permissions-read-models';
/** The durable audit trails' read model: a kill run compares it with its rebuild from zero (docs/decisions/0061). */
export { AuditReadModel } from './projections/audit-read-model';
/** The first admin (and its access key) of an account, created before the service starts. */
export { ensureAdmin, type EnsureAdminOptions, type EnsuredAdmin } from './application/bootstrap/ensure-admin';
export { ensureAdminAccessKey, ADMIN_CREDENTIALS_FILE } from './application/bootstrap/ensure-admin-access-key';
/** For a composition root whose data folder is its own (the embedded platform). */
export { accessKeyCipherFromEnv, type AccessKeyCipher } from './application/access-key-cipher';
export { auditCheckpointsFromEnv, fileAuditCheckpoints, type AuditCheckpoints } from './application/audit-checkpoints';
/** How the store keys a token (SHA-256, decision 0020): what a lookup by token hashes first. */
export { hashToken } from './domain/token-secret';
