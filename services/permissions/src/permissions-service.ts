import type { SubgraphService, SubgraphServiceOptions } from '@sluice/graphql-service';
import type { EventStore } from '@sluice/eventing';
import type { AccessKeyCipher } from './application/access-key-cipher';
import { AccessKeyHandlers } from './application/access-key-handlers';
import { AssumeRoleHandler } from './application/assume-role';
import { AuditQueries, markLegacyAuditEnds, type AuditTrailKeeping } from './application/audit-queries';
import type { Clock } from './application/caller';
import { IdentityCommandHandlers } from './application/identity-command-handlers';
import { IdentityQueries } from './application/identity-queries';
import { PermissionsProjection, type AuditFolding } from './projections/permissions-projection';

/** The permissions application on one store: its command handlers and queries over its projection, no framework. */
/** The token the API's resolvers inject the composed application by: the one value Nest binds (decision 0036). */
export const PERMISSIONS_APPLICATION = Symbol('PermissionsApplication');

export interface PermissionsApplication {
  projection: PermissionsProjection;
  identities: IdentityCommandHandlers;
  assumeRole: AssumeRoleHandler;
  accessKeys: AccessKeyHandlers;
  identityQueries: IdentityQueries;
  audit: AuditQueries;
}

export interface PermissionsParts {
  clock: Clock;
  /** Encrypts access-key secrets (decision 0024). */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key and the verifier's checkpoints, kept outside the store (decision 0028). */
  auditTrail: AuditTrailKeeping;
}

/** Composes the application on a projection its caller starts and stops. */
export function composePermissions(store: EventStore, projection: PermissionsProjection, parts: PermissionsParts): PermissionsApplication {
  const identities = new IdentityCommandHandlers(store, projection, parts.clock);
  return {
    projection,
    identities,
    assumeRole: new AssumeRoleHandler(projection, identities, parts.clock),
    accessKeys: new AccessKeyHandlers(store, projection, parts.accessKeyCipher, parts.clock),
    identityQueries: new IdentityQueries(projection, parts.clock),
    audit: new AuditQueries(store, projection, parts.auditTrail, parts.clock),
  };
}

export interface PermissionsServiceOptions extends SubgraphServiceOptions {
  eventStore: EventStore;
  clock?: Clock;
  /** Encrypts access-key secrets (decision 0024); `loadPermissionsConfig` builds it from the environment. */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key and the verifier's checkpoints (decision 0028); `loadPermissionsConfig` builds them. */
  auditTrail: AuditTrailKeeping;
  /**
   * `fold` (default): this process folds the durable audit trails; `follow`: a projections process does
   * (SLUICE_PERMISSIONS_ROLE=api, docs/decisions/0061), this one reads them and leaves the legacy mark to it.
   */
  audit?: AuditFolding;
}

/** Its `stop` stops serving and the projection. */
export interface PermissionsService extends SubgraphService {
  projection: PermissionsProjection;
}

/** The permissions service on a given event store: its projection caught up, the audit trail's key and mark, then the subgraph. */
export async function createPermissionsService(options: PermissionsServiceOptions): Promise<PermissionsService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const audit = options.audit ?? 'fold';
  const projection = new PermissionsProjection(options.eventStore, { audit, onError: (error) => log(`permissions projection stopped: ${error.message}`) });
  await projection.start();
  const clock = options.clock ?? (() => new Date());
  const { auditTrail } = options;
  // Before answering: the key must load (a verifier without it would call every record broken) and the migration mark be
  // made — by the process that folds the trails, which alone knows they are caught up.
  await Promise.all([auditTrail.key(), audit === 'fold' ? markLegacyAuditEnds(projection, auditTrail.checkpoints, clock()) : undefined]).catch(async (error: unknown) => {
    await projection.stop();
    throw error;
  });
  const application = composePermissions(options.eventStore, projection, { clock, accessKeyCipher: options.accessKeyCipher, auditTrail });
  // NestJS is ESM-only (jest cannot load it): the API is loaded when served, not when this file is imported.
  const { servePermissionsApi } = await loadPermissionsApi();
  const served = await servePermissionsApi(application, { ...options.serve, readiness: options.readiness, log, stopAfter: () => projection.stop() });
  return { url: served.url, projection, stop: () => served.close() };
}

/**
 * The permissions API (NestJS, ESM-only, so never loaded by jest): loaded when served. A composer may start loading it
 * early, while something else waits (the embedded platform does while its database opens).
 */
export function loadPermissionsApi(): Promise<typeof import('./api/permissions-api.module')> {
  return import('./api/permissions-api.module');
}
