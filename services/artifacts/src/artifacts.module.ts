import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { subgraphGraphQLModule } from '@sluice/graphql-service';
import { ArtifactQueries } from './application/artifact-queries';
import { ArtifactCollector } from './application/collect-artifacts';
import { ArtifactResolver } from './api/artifact.resolver';
import { artifactsTypeDefs } from './api/schema';

export interface ArtifactsModuleOptions {
  queries: ArtifactQueries;
  collector: ArtifactCollector;
  log: (line: string) => void;
  internalSecret: string;
}

// Providers are values built by the app (tsx/esbuild emits no decorator metadata for Nest to inject by type).
@Module({})
export class ArtifactsModule {
  static register(options: ArtifactsModuleOptions): DynamicModule {
    const application: Provider[] = [
      { provide: ArtifactQueries, useValue: options.queries },
      { provide: ArtifactCollector, useValue: options.collector },
    ];
    const resolvers: Provider[] = [ArtifactResolver];
    return {
      module: ArtifactsModule,
      imports: [subgraphGraphQLModule({ typeDefs: artifactsTypeDefs, log: options.log, internalSecret: options.internalSecret })],
      providers: [...application, ...resolvers],
    };
  }
}
