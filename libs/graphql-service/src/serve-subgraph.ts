import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { urlHost } from './bind-address';
import { GraphQLErrorsPassThrough } from './graphql-errors-pass-through';
import { internalSecretConfigProblem, InternalSecretConfigError } from './internal-secret';
import type { SubgraphServeConfig } from './serve-config';
import { subgraphApiModule, type SubgraphApi } from './subgraph-module';
import { traceSubgraphRequest } from './request-span';

export interface ServedSubgraph {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  close(): Promise<void>;
}

/** A route the server answers before GraphQL; resolves whether it handled the request. */
export type SubgraphHttpRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface ServeSubgraphOptions extends SubgraphServeConfig {
  /**
   * Answers `/readyz`: 200 with the report when `ready`, else 503 (e.g. `checkReadiness` of `@sluice/runtime`:
   * the store and the bus). Absent: ready whenever the process serves. `/healthz` always answers `ok`.
   */
  readiness?: () => Promise<{ ready: boolean }>;
  /** Routes beside GraphQL (the artifacts' byte routes), tried first; they check the internal secret themselves. */
  httpRoutes?: SubgraphHttpRoutes;
  /** Stopped once the server has closed, or when it fails to start: what the module reads (its projection). */
  stopAfter?: () => Promise<void>;
}

type HealthRequest = { method?: string; url?: string };
type HealthResponse = { writeHead(status: number, headers: Record<string, string>): void; end(body: string): void };

/**
 * Starts a Nest application holding a subgraph module on `options.port`, with `/healthz` and `/readyz`. Refuses to
 * start without an internal secret of at least 32 bytes: no service serves callers that bypass the gateway.
 */
export async function serveSubgraph(module: DynamicModule, options: ServeSubgraphOptions): Promise<ServedSubgraph> {
  try {
    const problem = internalSecretConfigProblem(options.internalSecret);
    if (problem !== undefined) throw new InternalSecretConfigError(problem);
    const served = await listen(module, options);
    return {
      url: served.url,
      async close() {
        await served.close();
        await options.stopAfter?.();
      },
    };
  } catch (error) {
    await options.stopAfter?.();
    throw error;
  }
}

async function listen(module: DynamicModule, options: ServeSubgraphOptions): Promise<ServedSubgraph> {
  // The GraphQL handler reads bodies itself, with an explicit limit (graphql-http-handler.ts); byte routes stream theirs.
  const app = await NestFactory.create(module, { bodyParser: false, logger: ['error', 'warn'] });
  app.useGlobalFilters(new GraphQLErrorsPassThrough());
  app.use((req: HealthRequest & IncomingMessage, res: HealthResponse & ServerResponse, next: (error?: unknown) => void) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz') {
      const onward = (): void => {
        if (!options.httpRoutes) return next();
        return void options.httpRoutes(req, res).then((handled) => (handled ? undefined : next()), next);
      };
      return path === '/graphql' ? traceSubgraphRequest(req, res, onward) : onward();
    }
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/healthz' || !options.readiness) return answer(200, 'text/plain', 'ok');
    options.readiness().then(
      (report) => answer(report.ready ? 200 : 503, 'application/json', JSON.stringify(report)),
      (error: unknown) => answer(503, 'application/json', JSON.stringify({ ready: false, error: error instanceof Error ? error.message : String(error) })),
    );
  });
  try {
    await app.listen(options.port, options.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  return { url: `http://${urlHost(address.address)}:${address.port}`, close: () => app.close() };
}

/** A service's API module (`subgraphApiModule`) served (`serveSubgraph`): what every `<service>-api.module.ts` does. */
export function serveSubgraphApi(module: Type, api: SubgraphApi, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  return serveSubgraph(subgraphApiModule(module, { ...api, log: options.log, internalSecret: options.internalSecret }), options);
}
