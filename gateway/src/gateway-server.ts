import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { EventStore } from '@sluice/eventing';
import { loadRuntimeConfig, openEventStore } from '@sluice/runtime';
import { callerHeadersOf } from './caller-headers';
import { gatewayMetrics } from './metrics/gateway-metrics';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-text';
import type { SubgraphEndpoint } from './subgraph-config';
import { subgraphReadiness } from './subgraph-readiness';
import { serveSubscriptions } from './subscriptions/subscription-server';
import { loadSupergraph } from './supergraph';

export interface GatewayOptions {
  subgraphs: SubgraphEndpoint[];
  /** 0 picks a free port. */
  port: number;
  /** Default: every interface. */
  host?: string;
  /** How long start-up waits for a subgraph that is not up yet. */
  subgraphWaitMs?: number;
  /** How long `stop` lets in-flight requests (job long polls last up to 20 s) finish before cutting them. */
  drainMs?: number;
  log?: (line: string) => void;
  /**
   * The store subscriptions are fed from. Absent: the store `SLUICE_EVENT_STORE` names (the one the
   * services write to), opened here and closed by `stop`.
   */
  eventStore?: EventStore;
  /**
   * Extra HTTP routes served before GraphQL: a request whose path is `prefix` or starts with `${prefix}/`
   * goes to the first such route (e.g. the embedded platform's webhooks).
   */
  httpRoutes?: HttpRoute[];
}

export interface HttpRoute {
  /** A path prefix such as `/webhooks`, without a trailing slash. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface RunningGateway {
  /** `http://host:port`; GraphQL at `${url}/graphql`. */
  url: string;
  supergraph: string;
  /** Open graphql-ws connections, and the subscriptions on them caught up with the store and live. */
  subscriptionCounts(): { connections: number; live: number };
  /** Stops accepting, drains in-flight requests (bounded by `drainMs`), then releases the runtime. */
  stop(): Promise<void>;
}

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

/**
 * The federated `/graphql` of the subgraphs, composed once at start, with `/healthz`, `/readyz` and `/metrics`; the same
 * `/graphql` serves graphql-ws subscriptions fed from the event store.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = options.log ?? (() => undefined);
  const opened = options.eventStore ? undefined : await openEventStore(loadRuntimeConfig(process.env).eventStore);
  const eventStore = options.eventStore ?? opened!.store;
  if (opened) log(`gateway: subscriptions fed from ${opened.description}`);
  const supergraph = await loadSupergraph(options.subgraphs, { waitMs: options.subgraphWaitMs, log }).catch(async (error: unknown) => {
    await opened?.store.close();
    throw error;
  });
  const runtime = createGatewayRuntime({
    supergraph,
    propagateHeaders: { fromClientToSubgraphs: ({ request }) => callerHeadersOf(request) },
    landingPage: false,
    logging: 'warn',
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const route = options.httpRoutes?.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    if (route) return void (await route.handle(req, res));
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === '/readyz') {
      const readiness = await subgraphReadiness(options.subgraphs);
      return send(res, readiness.ready ? 200 : 503, 'application/json', JSON.stringify(readiness));
    }
    if (path === '/metrics') return send(res, 200, PROMETHEUS_CONTENT_TYPE, metrics.render(subscriptionCounts()));
    if (path === '/graphql') return void (await runtime.requestListener(req, res));
    send(res, 404, 'text/plain', 'not found: GraphQL is at /graphql');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`gateway: ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const metrics = gatewayMetrics(eventStore, { log });
  const subscriptions = serveSubscriptions(server, eventStore, { path: '/graphql', log });
  const subscriptionCounts = () => ({ connections: subscriptions.connections(), live: subscriptions.liveSubscriptions() });
  const { address, port } = server.address() as AddressInfo;
  const host = address === '::' || address === '0.0.0.0' ? 'localhost' : address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    supergraph,
    subscriptionCounts,
    async stop() {
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 25_000);
      await closed;
      clearTimeout(cut);
      await runtime.dispose();
      await metrics.stop();
      await opened?.store.close();
    },
  };
}
