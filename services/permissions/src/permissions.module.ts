import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { EventStore } from '@sluice/eventing';
import { subgraphGraphQLModule } from '@sluice/graphql-service';
import type { AccessKeyCipher } from './application/access-key-cipher';
import { AccessKeyHandlers } from './application/access-key-handlers';
import { AssumeRoleHandler } from './application/assume-role';
import { AuditQueries, type AuditTrailKeeping } from './application/audit-queries';
import type { Clock } from './application/caller';
import { IdentityCommandHandlers } from './application/identity-command-handlers';
import { IdentityQueries } from './application/identity-queries';
import { AccessKeyResolver } from './api/access-key.resolver';
import { accessKeyTypeDefs } from './api/access-key-schema';
import { AuditResolver } from './api/audit.resolver';
import { IdentityResolver } from './api/identity.resolver';
import { permissionsTypeDefs } from './api/schema';
import { PermissionsProjection } from './projections/permissions-projection';

export const EVENT_STORE = Symbol('EventStore');
export const CLOCK = Symbol('Clock');

export interface PermissionsModuleOptions {
  eventStore: EventStore;
  /** Started by the caller: the service answers only once its read models caught up. */
  projection: PermissionsProjection;
  clock: Clock;
  log: (line: string) => void;
  /** Encrypts access-key secrets (decision 0024). Default: from SLUICE_ACCESS_KEY_MASTER_KEY or SLUICE_DATA_DIR. */
  accessKeyCipher: AccessKeyCipher;
  /** The audit chain's key and the verifier's checkpoints, kept outside the store (decision 0028). */
  auditTrail: AuditTrailKeeping;
  internalSecret: string;
}

// Providers are built by factories with explicit tokens: tsx/esbuild (how the platform runs) emits no decorator metadata.
@Module({})
export class PermissionsModule {
  static register(options: PermissionsModuleOptions): DynamicModule {
    const adapters: Provider[] = [
      { provide: EVENT_STORE, useValue: options.eventStore },
      { provide: CLOCK, useValue: options.clock },
    ];
    const projections: Provider[] = [{ provide: PermissionsProjection, useValue: options.projection }];
    const commandHandlers: Provider[] = [
      {
        provide: IdentityCommandHandlers,
        inject: [EVENT_STORE, PermissionsProjection, CLOCK],
        useFactory: (store: EventStore, projection: PermissionsProjection, clock: Clock) => new IdentityCommandHandlers(store, projection, clock),
      },
      {
        provide: AssumeRoleHandler,
        inject: [PermissionsProjection, IdentityCommandHandlers, CLOCK],
        useFactory: (projection: PermissionsProjection, commands: IdentityCommandHandlers, clock: Clock) => new AssumeRoleHandler(projection, commands, clock),
      },
      {
        provide: AccessKeyHandlers,
        inject: [EVENT_STORE, PermissionsProjection, CLOCK],
        useFactory: (store: EventStore, projection: PermissionsProjection, clock: Clock) =>
          new AccessKeyHandlers(store, projection, options.accessKeyCipher, clock),
      },
    ];
    const queries: Provider[] = [
      { provide: IdentityQueries, inject: [PermissionsProjection, CLOCK], useFactory: (projection: PermissionsProjection, clock: Clock) => new IdentityQueries(projection, clock) },
      {
        provide: AuditQueries,
        inject: [EVENT_STORE, PermissionsProjection, CLOCK],
        useFactory: (store: EventStore, projection: PermissionsProjection, clock: Clock) => new AuditQueries(store, projection, options.auditTrail, clock),
      },
    ];
    const resolvers: Provider[] = [IdentityResolver, AuditResolver, AccessKeyResolver];
    return {
      module: PermissionsModule,
      imports: [subgraphGraphQLModule({ typeDefs: permissionsTypeDefs + accessKeyTypeDefs, log: options.log, internalSecret: options.internalSecret })],
      providers: [...adapters, ...projections, ...commandHandlers, ...queries, ...resolvers],
    };
  }
}
