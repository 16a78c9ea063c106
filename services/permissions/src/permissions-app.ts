import { serveSubgraph, type ServeSubgraphOptions, type SubgraphServeConfig } from '@sluice/graphql-service';
import type { EventStore } from '@sluice/eventing';
import type { AccessKeyCipher } from './application/access-key-cipher';
import { markLegacyAuditEnds, type AuditTrailKeeping } from './application/audit-queries';
import type { Clock } from './application/caller';
import { PermissionsModule } from './permissions.module';
import { PermissionsProjection } from './projections/permissions-projection';

export { ensureAdmin, type EnsureAdminOptions, type EnsuredAdmin } from './bootstrap/ensure-admin';
export { ensureAdminAccessKey, ADMIN_CREDENTIALS_FILE } from './bootstrap/ensure-admin-access-key';
export { accessKeyCipherFromEnv, type AccessKeyCipher } from './application/access-key-cipher';
export { auditCheckpointsFromEnv, fileAuditCheckpoints, type AuditCheckpoints } from './application/audit-checkpoints';

export interface PermissionsAppOptions {
  eventStore: EventStore;
  /** Its port, address and the gateway's secret. */
  serve: SubgraphServeConfig;
  clock?: Clock;
  log?: (line: string) => void;
  /** What `/readyz` checks (the store, in distributed mode). */
  readiness?: ServeSubgraphOptions['readiness'];
  /** Encrypts access-key secrets (decision 0024); `loadPermissionsConfig` builds it from the environment. */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key and the verifier's checkpoints (decision 0028); `loadPermissionsConfig` builds them. */
  auditTrail: AuditTrailKeeping;
}

export interface PermissionsApp {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  projection: PermissionsProjection;
  /** Stops serving and the projection; the event store stays open (its owner closes it). */
  stop(): Promise<void>;
}

/** The permissions subgraph on a given event store: composition only. */
export async function createPermissionsApp(options: PermissionsAppOptions): Promise<PermissionsApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  const projection = new PermissionsProjection(options.eventStore, { onError: (error) => log(`permissions projection stopped: ${error.message}`) });
  await projection.start();
  const clock = options.clock ?? (() => new Date());
  const { auditTrail } = options;
  // Before answering: the key must load (a verifier without it would call every record broken) and the migration mark be made.
  await Promise.all([auditTrail.key(), markLegacyAuditEnds(projection, auditTrail.checkpoints, clock())]).catch(async (error: unknown) => {
    await projection.stop();
    throw error;
  });
  const module = PermissionsModule.register({
    eventStore: options.eventStore,
    projection,
    clock,
    log,
    auditTrail,
    accessKeyCipher: options.accessKeyCipher,
    internalSecret: options.serve.internalSecret,
  });
  const served = await serveSubgraph(module, { ...options.serve, readiness: options.readiness, stopAfter: () => projection.stop() });
  return { url: served.url, projection, stop: () => served.close() };
}
