import { Module } from '@nestjs/common';
import { serveSubgraph, subgraphApiModule, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { AccessKeyHandlers } from '../application/access-key-handlers';
import { AssumeRoleHandler } from '../application/assume-role';
import { AuditQueries } from '../application/audit-queries';
import { IdentityCommandHandlers } from '../application/identity-command-handlers';
import { IdentityQueries } from '../application/identity-queries';
import type { PermissionsApplication } from '../permissions-service';
import { PermissionsProjection } from '../projections/permissions-projection';
import { AccessKeyResolver } from './access-key.resolver';
import { accessKeyTypeDefs } from './access-key-schema';
import { AuditResolver } from './audit.resolver';
import { IdentityResolver } from './identity.resolver';
import { permissionsTypeDefs } from './schema';

/** The permissions subgraph: binds what `composePermissions` built; its resolvers translate GraphQL to it. */
@Module({})
export class PermissionsApiModule {}

export function servePermissionsApi(application: PermissionsApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const module = subgraphApiModule(PermissionsApiModule, {
    typeDefs: permissionsTypeDefs + accessKeyTypeDefs,
    log: options.log,
    internalSecret: options.internalSecret,
    bindings: [
      [PermissionsProjection, application.projection],
      [IdentityCommandHandlers, application.identities],
      [AssumeRoleHandler, application.assumeRole],
      [AccessKeyHandlers, application.accessKeys],
      [IdentityQueries, application.identityQueries],
      [AuditQueries, application.audit],
    ],
    resolvers: [IdentityResolver, AuditResolver, AccessKeyResolver],
  });
  return serveSubgraph(module, options);
}
