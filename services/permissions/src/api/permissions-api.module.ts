import { Module } from '@nestjs/common';
import { serveSubgraphApi, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { PERMISSIONS_APPLICATION, type PermissionsApplication } from '../permissions-service';
import { AccessKeyResolver } from './access-key.resolver';
import { accessKeyTypeDefs } from './access-key-schema';
import { AuditResolver } from './audit.resolver';
import { IdentityResolver } from './identity.resolver';
import { permissionsTypeDefs } from './schema';

/** The permissions subgraph: binds what `composePermissions` built; its resolvers translate GraphQL to it. */
@Module({})
export class PermissionsApiModule {}

export function servePermissionsApi(application: PermissionsApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const api = {
    typeDefs: permissionsTypeDefs + accessKeyTypeDefs,
    bindings: [[PERMISSIONS_APPLICATION, application]] as const,
    resolvers: [IdentityResolver, AuditResolver, AccessKeyResolver],
  };
  return serveSubgraphApi(PermissionsApiModule, api, options);
}
