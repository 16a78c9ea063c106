import { Module } from '@nestjs/common';
import { serveSubgraphApi, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { ARTIFACTS_APPLICATION, type ArtifactsApplication } from '../artifacts-service';
import { ArtifactResolver } from './artifact.resolver';
import { artifactsTypeDefs } from './schema';

/** The artifacts subgraph: binds what `composeArtifacts` built; its resolver translates GraphQL to it. */
@Module({})
export class ArtifactsApiModule {}

/** Serves it, with the byte routes (`options.httpRoutes`) on the same server. */
export function serveArtifactsApi(application: ArtifactsApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const api = { typeDefs: artifactsTypeDefs, bindings: [[ARTIFACTS_APPLICATION, application]] as const, resolvers: [ArtifactResolver] };
  return serveSubgraphApi(ArtifactsApiModule, api, options);
}
