import { processAuditChainKey } from '@sluice/authz';
import { loadRuntimeConfig, type RuntimeConfig } from '@sluice/runtime';
import { accessKeyCipherFromEnv, type AccessKeyCipher } from './application/access-key-cipher';
import { auditCheckpointsFromEnv } from './application/audit-checkpoints';
import type { AuditTrailKeeping } from './application/audit-queries';

/** Everything the permissions service takes from its environment. */
export interface PermissionsConfig {
  runtime: RuntimeConfig;
  /** Encrypts access-key secrets (decision 0024): SLUICE_ACCESS_KEY_MASTER_KEY, else a key kept in SLUICE_DATA_DIR. */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key (SLUICE_AUDIT_KEY, else the data folder's) and the verifier's checkpoints (decision 0028). */
  auditTrail: AuditTrailKeeping;
}

/** The one reader of the environment in the permissions service: the app and its module take what this builds. */
export function loadPermissionsConfig(env: NodeJS.ProcessEnv): PermissionsConfig {
  const runtime = loadRuntimeConfig(env);
  return { runtime, accessKeyCipher: accessKeyCipherFromEnv(env), auditTrail: { key: processAuditChainKey(), checkpoints: auditCheckpointsFromEnv(env, runtime.eventStore) } };
}
