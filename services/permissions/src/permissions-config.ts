import { processAuditChainKey } from '@sluice/authz';
import { subgraphServeConfigFrom, type SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { ConfigError, loadRuntimeConfig, type Env, type RuntimeConfig } from '@sluice/runtime';
import { accessKeyCipherFromEnv, type AccessKeyCipher } from './application/access-key-cipher';
import { auditCheckpointsFromEnv } from './application/audit-checkpoints';
import type { AuditTrailKeeping } from './application/audit-queries';

/** Everything the permissions service takes from its environment. */
export interface PermissionsConfig {
  /** The event store (SLUICE_EVENT_STORE, …) and the port (SLUICE_PORT). */
  runtime: RuntimeConfig;
  /** Where it listens (SLUICE_BIND_ADDRESS) and the gateway's secret (SLUICE_INTERNAL_SECRET). */
  serve: SubgraphServeConfig;
  /** Encrypts access-key secrets (decision 0024): SLUICE_ACCESS_KEY_MASTER_KEY, else a key kept in SLUICE_DATA_DIR. */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key (SLUICE_AUDIT_KEY, else the data folder's) and the verifier's checkpoints (decision 0028). */
  auditTrail: AuditTrailKeeping;
  /** SLUICE_PERMISSIONS_ROLE (docs/decisions/0061). */
  role: PermissionsRole;
}

/**
 * What a permissions process does: `all` (default) serves the API and folds the durable audit trails; `api` serves the
 * API and reads the trails another process folds; `projections` folds them and serves only /healthz, /readyz, /metrics.
 */
export type PermissionsRole = 'all' | 'api' | 'projections';
const ROLES: readonly PermissionsRole[] = ['all', 'api', 'projections'];

export function permissionsRoleFrom(env: Env): PermissionsRole {
  const raw = env.SLUICE_PERMISSIONS_ROLE?.trim() || 'all';
  if (!(ROLES as readonly string[]).includes(raw)) {
    throw new ConfigError([{ variable: 'SLUICE_PERMISSIONS_ROLE', reason: `'${raw}' is not one of ${ROLES.join(', ')}` }]);
  }
  return raw as PermissionsRole;
}

/** The one reader of the environment in the permissions service: composition and the API take what this returns. */
export function loadPermissionsConfig(env: Env): PermissionsConfig {
  const runtime = loadRuntimeConfig(env);
  const role = permissionsRoleFrom(env);
  return {
    role,
    runtime,
    serve: subgraphServeConfigFrom(env, runtime.port),
    accessKeyCipher: accessKeyCipherFromEnv(env),
    auditTrail: { key: processAuditChainKey(), checkpoints: auditCheckpointsFromEnv(env, runtime.eventStore) },
  };
}
