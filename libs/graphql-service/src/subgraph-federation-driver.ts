import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Injectable, type Type } from '@nestjs/common';
import { graphqlHttpHandler, type ContextFunction } from './graphql-http-handler';

/**
 * NestJS's federation driver, mounting Apollo Server with our own HTTP handler: the stock driver
 * loads `@as-integrations/express5`, which is not installed, and parses bodies with a 100 kB limit.
 */
@Injectable()
export class SubgraphFederationDriver extends ApolloFederationDriver {
  /** What a request must carry in `x-sluice-internal-secret` (see `subgraphFederationDriver`). */
  protected readonly internalSecret: string | undefined = undefined;

  protected override async registerExpress(options: ApolloFederationDriverConfig, { preStartHook }: { preStartHook?: () => void } = {}): Promise<void> {
    const httpAdapter = this.httpAdapterHost.httpAdapter;
    preStartHook?.();
    const server = new ApolloServer<BaseContext>({
      // Apollo's own info lines ("Enabling inline tracing…") are not the process's JSON log: only its warnings and errors.
      logger: { debug: () => undefined, info: () => undefined, warn: (...args: unknown[]) => console.warn(...args), error: (...args: unknown[]) => console.error(...args) },
      ...(options as unknown as ApolloServerOptions<BaseContext>),
      plugins: [...(options.plugins ?? []), ApolloServerPluginDrainHttpServer({ httpServer: httpAdapter.getHttpServer() })],
    });
    await server.start();
    const context = (options.context ?? (async ({ req }) => ({ req }))) as ContextFunction;
    httpAdapter.use(options.path ?? '/graphql', graphqlHttpHandler(server, context, this.internalSecret));
    this.apolloServer = server;
  }
}

/** The driver of a subgraph that answers only requests carrying `internalSecret` (Nest builds drivers itself: the secret is the class's). */
export function subgraphFederationDriver(internalSecret: string): Type<SubgraphFederationDriver> {
  @Injectable()
  class GuardedSubgraphFederationDriver extends SubgraphFederationDriver {
    protected override readonly internalSecret = internalSecret;
  }
  return GuardedSubgraphFederationDriver;
}
