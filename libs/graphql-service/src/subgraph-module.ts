import type { DynamicModule, InjectionToken, Type } from '@nestjs/common';
import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { formatGraphQLError, type GraphQLErrorMapping } from './graphql-errors';
import { DateTimeScalar, JsonScalar } from './scalars';
import { subgraphFederationDriver } from './subgraph-federation-driver';

export interface SubgraphModuleOptions {
  /** Federation v2 SDL; may use the `JSON` and `DateTime` scalars. */
  typeDefs: string;
  log: (line: string) => void;
  /** The service's own errors, before the shared domain errors. */
  errorMappings?: readonly GraphQLErrorMapping[];
  /** Every GraphQL request must carry it in `x-sluice-internal-secret` (the gateway does; decision 0021). */
  internalSecret: string;
}

/** The GraphQL module every Sluice subgraph imports: our driver and HTTP handler, the scalars, the error mapping. */
export function subgraphGraphQLModule(options: SubgraphModuleOptions): DynamicModule {
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>({
    driver: subgraphFederationDriver(options.internalSecret),
    typeDefs: options.typeDefs,
    resolvers: { JSON: JsonScalar, DateTime: DateTimeScalar },
    formatError: formatGraphQLError(options.log, options.errorMappings),
    includeStacktraceInErrorResponses: false,
    graphiql: false,
  });
}

/** A value the service's composition built, under the token its resolvers inject (`@Inject(PIPELINES_APPLICATION)`). */
export type SubgraphBinding = readonly [token: InjectionToken, value: unknown];

/** A service's API: its schema, its own errors, what composition built and the resolvers that translate to it. */
export interface SubgraphApi {
  typeDefs: string;
  errorMappings?: readonly GraphQLErrorMapping[];
  /** What composition built (`<service>-service.ts`): Nest binds these values and builds nothing itself. */
  bindings: readonly SubgraphBinding[];
  /** The resolvers: GraphQL in, the bound application out, no decision of their own. */
  resolvers: readonly Type[];
}

export type SubgraphApiOptions = SubgraphApi & SubgraphModuleOptions;

/**
 * A service's API module: the subgraph's GraphQL module, the values composition built bound to their tokens, and
 * the resolvers. Nest instantiates only the resolvers (tsx/esbuild emit no decorator metadata: they `@Inject` tokens).
 */
export function subgraphApiModule(module: Type, options: SubgraphApiOptions): DynamicModule {
  return {
    module,
    imports: [subgraphGraphQLModule(options)],
    providers: [...options.bindings.map(([provide, useValue]) => ({ provide, useValue })), ...options.resolvers],
  };
}
