import type { DynamicModule } from '@nestjs/common';
import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { formatGraphQLError, type GraphQLErrorMapping } from './graphql-errors';
import { DateTimeScalar, JsonScalar } from './scalars';
import { SubgraphFederationDriver } from './subgraph-federation-driver';

export interface SubgraphModuleOptions {
  /** Federation v2 SDL; may use the `JSON` and `DateTime` scalars. */
  typeDefs: string;
  log: (line: string) => void;
  /** The service's own errors, before the shared domain errors. */
  errorMappings?: readonly GraphQLErrorMapping[];
}

/** The GraphQL module every Sluice subgraph imports: our driver and HTTP handler, the scalars, the error mapping. */
export function subgraphGraphQLModule(options: SubgraphModuleOptions): DynamicModule {
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>({
    driver: SubgraphFederationDriver,
    typeDefs: options.typeDefs,
    resolvers: { JSON: JsonScalar, DateTime: DateTimeScalar },
    formatError: formatGraphQLError(options.log, options.errorMappings),
    includeStacktraceInErrorResponses: false,
    graphiql: false,
  });
}
