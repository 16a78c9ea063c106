import { LogChunkReader, type ArtifactStore } from '@sluice/artifact-store';
/// <reference path="../types/ws.d.ts" />
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, getOperationAST, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { accountIdProblem } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import type { GatewayAuth } from '../auth/gateway-auth';
import { authorizeSubscribe, authenticateConnection, type ConnectionAuth } from '../auth/subscription-auth';
import { subscriptionSchema, type SubscriptionContext } from './subscription-schema';

const ACCOUNT = 'x-sluice-account';

export interface SubscriptionServer {
  /** Open graphql-ws connections (for `/metrics`). */
  connections(): number;
  /** Subscriptions caught up with the store and live. */
  liveSubscriptions(): number;
  /** Closes every connection (each store subscription stops with it). */
  close(): Promise<void>;
}

/** The connection's account: its `x-sluice-account` connection param, else the upgrade request's header, else `default` as for queries. */
function accountOf(params: Readonly<Record<string, unknown>> | undefined, request: IncomingMessage): string {
  const param = params?.[ACCOUNT];
  if (typeof param === 'string') return param;
  const header = request.headers[ACCOUNT];
  return typeof header === 'string' ? header : 'default';
}

/**
 * graphql-ws on `path` of the gateway's HTTP server, serving the gateway's subscription schema. Only
 * subscriptions: queries and mutations stay on HTTP POST, where Hive plans them over the subgraphs.
 */
export function serveSubscriptions(server: Server, store: EventStore, options: { path: string; log: (line: string) => void; auth?: GatewayAuth; actionLogStore?: ArtifactStore }): SubscriptionServer {
  const gauge = { live: 0 };
  const schema = subscriptionSchema(store, gauge, options.actionLogStore ? new LogChunkReader(options.actionLogStore) : undefined);
  const wss = new WebSocketServer({ server, path: options.path });
  const accounts = new WeakMap<object, string>();
  const authenticated = new WeakMap<object, ConnectionAuth>();
  const { auth } = options;
  const disposable = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        if (auth) {
          // The token is the connection's: its principal's account, never a connection param.
          const connection = await authenticateConnection(auth, ctx.connectionParams, ctx.extra.request, ctx.extra.socket, schema);
          if (!connection) return false;
          authenticated.set(ctx, connection);
          accounts.set(ctx, connection.request.auth.principal.account);
          return true;
        }
        const account = accountOf(ctx.connectionParams, ctx.extra.request);
        if (accountIdProblem(account)) return false;
        accounts.set(ctx, account);
        return true;
      },
      onSubscribe: async (_ctx, id, payload) => {
        let operation;
        try {
          operation = getOperationAST(parse(payload.query), payload.operationName ?? undefined)?.operation;
        } catch {
          return undefined;
        }
        if (operation !== undefined && operation !== 'subscription') {
          const what = operation === 'query' ? 'Queries' : 'Mutations';
          return [new GraphQLError(`${what} are served over HTTP (POST ${options.path}); this socket serves subscriptions`)];
        }
        if (!auth) return undefined;
        // Fail closed: with authentication on, a connection without a principal subscribes to nothing.
        const connection = authenticated.get(_ctx);
        if (!connection) return [new GraphQLError('Unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const refusals = await authorizeSubscribe(auth, connection, schema, payload);
        // Kept while it runs: a change of the principal's policies authorizes it again.
        if (!refusals) connection.subscriptions.set(id, payload);
        return refusals;
      },
      onComplete: (ctx, id) => {
        authenticated.get(ctx)?.subscriptions.delete(id);
      },
      onClose: (ctx) => {
        authenticated.get(ctx)?.stop();
      },
      context: (ctx): SubscriptionContext => {
        const connection = authenticated.get(ctx);
        return {
          account: accounts.get(ctx) ?? 'default',
          ...(auth ? { mayRead: (action: string, pipeline: string) => connection !== undefined && auth.mayReadPipeline(connection.request, action, pipeline) } : {}),
        };
      },
      onError: (_ctx, _id, _payload, errors) => {
        options.log(`gateway: subscription failed: ${errors.map((e) => e.message).join('; ')}`);
      },
    },
    wss,
  );
  return {
    connections: () => wss.clients.size,
    liveSubscriptions: () => gauge.live,
    async close() {
      await disposable.dispose();
    },
  };
}
