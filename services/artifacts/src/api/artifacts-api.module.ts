import { Module } from '@nestjs/common';
import { serveSubgraph, subgraphApiModule, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { ArtifactQueries } from '../application/artifact-queries';
import { ArtifactCollector } from '../application/collect-artifacts';
import type { ArtifactsApplication } from '../artifacts-service';
import { ArtifactResolver } from './artifact.resolver';
import { artifactsTypeDefs } from './schema';

/** The artifacts subgraph: binds what `composeArtifacts` built; its resolver translates GraphQL to it. */
@Module({})
export class ArtifactsApiModule {}

/** Serves it, with the byte routes (`options.httpRoutes`) on the same server. */
export function serveArtifactsApi(application: ArtifactsApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const module = subgraphApiModule(ArtifactsApiModule, {
    typeDefs: artifactsTypeDefs,
    log: options.log,
    internalSecret: options.internalSecret,
    bindings: [
      [ArtifactQueries, application.queries],
      [ArtifactCollector, application.collector],
    ],
    resolvers: [ArtifactResolver],
  });
  return serveSubgraph(module, options);
}
