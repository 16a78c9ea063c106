import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { EventStore } from '@sluice/eventing';
import { busCheck, checkReadiness, eventStoreCheck, loadRuntimeConfig, openEventStore, type BusConfig } from '@sluice/runtime';
import { GatewayAuth, type GatewayAuthOptions } from './auth/gateway-auth';
import { awsRoute, type AwsApiOptions } from './aws/aws-route';
import { ForwardedIdentities } from './aws/forwarded-identities';
import { internalSecretHeaders } from './auth/internal-secret-headers';
import { callerHeadersOf } from './caller-headers';
import { gatewayMetrics } from './metrics/gateway-metrics';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-text';
import type { SubgraphEndpoint } from './subgraph-config';
import { subgraphReadiness } from './subgraph-readiness';
import { serveSubscriptions } from './subscriptions/subscription-server';
import { loadSupergraph } from './supergraph';
import { dashboardFiles, webDirFromEnv } from './static/dashboard-files';

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
  /**
   * Token authentication, authorization of every operation and the audit trail (decision 0021). Absent: the
   * caller headers the client sends are passed on as they are (subgraph tests only; main.ts and the embedded
   * platform always set it).
   */
  auth?: GatewayAuthOptions;
  /**
   * The dashboard's static build, served at every path no other route owns (docs/decisions/0023). Absent: `SLUICE_WEB_DIR`,
   * else the repository's `web/dist`; null: no dashboard (404 as for any unknown path).
   */
  webDir?: string | null;
  /** The bus `/readyz` pings (Kafka: `describeCluster`; in-process: always ready). Default: the one `SLUICE_KAFKA_BROKERS` names. */
  bus?: BusConfig;
  /** The AWS-compatible API at `/aws` (decision 0024): SigV4 with access keys, then the same GraphQL path. Needs `auth`. */
  aws?: AwsApiOptions;
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
  // Checked before anything opens: a bad SLUICE_WEB_DIR fails the start with its name.
  const webDir = options.webDir === undefined ? webDirFromEnv(process.env) : options.webDir;
  const dashboard = webDir === null ? undefined : dashboardFiles(webDir);
  const opened = options.eventStore ? undefined : await openEventStore(loadRuntimeConfig(process.env).eventStore);
  const eventStore = options.eventStore ?? opened!.store;
  if (opened) log(`gateway: subscriptions fed from ${opened.description}`);
  const supergraph = await loadSupergraph(options.subgraphs, { waitMs: options.subgraphWaitMs, log }).catch(async (error: unknown) => {
    await opened?.store.close();
    throw error;
  });
  // Ready = the store answers a read, the bus a ping, every subgraph a query (0014, 0019).
  const readinessChecks = { store: eventStoreCheck(eventStore), bus: busCheck(options.bus ?? loadRuntimeConfig(process.env).bus) };
  // `/aws` calls enter the one authorization path with a per-call in-process token (decision 0024).
  const identities = new ForwardedIdentities();
  const auth = options.auth ? new GatewayAuth({ ...options.auth, authenticator: identities.wrap(options.auth.authenticator) }, eventStore, log) : undefined;
  const runtime = createGatewayRuntime({
    supergraph,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, context }) => ({
        ...internalSecretHeaders(),
        ...(auth ? auth.callerHeaders((context as { req?: IncomingMessage } | undefined)?.req) : callerHeadersOf(request)),
      }),
    },
    plugins: () => (auth ? [auth.plugin()] : []),
    landingPage: false,
    logging: 'warn',
  });

  const aws = auth && options.aws ? awsRoute({ ...options.aws, auth, runtime, identities, log }) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const route = options.httpRoutes?.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    if (route) return void (await route.handle(req, res));
    if (aws && (path === '/aws' || path.startsWith('/aws/'))) return void (await aws.handle(req, res));
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === '/readyz') {
      const [subgraphs, dependencies] = await Promise.all([subgraphReadiness(options.subgraphs), checkReadiness(readinessChecks)]);
      const ready = subgraphs.ready && dependencies.ready;
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, ...dependencies.checks, subgraphs: subgraphs.subgraphs }));
    }
    if (path === '/metrics') return send(res, 200, PROMETHEUS_CONTENT_TYPE, metrics.render(subscriptionCounts()));
    if (path === '/graphql') {
      if (auth && req.headers.upgrade === undefined && !(await auth.admitHttp(req, res))) return;
      return void (await runtime.requestListener(req, res));
    }
    if (dashboard) return void (await dashboard.handle(req, res));
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
  const subscriptions = serveSubscriptions(server, eventStore, { path: '/graphql', log, auth });
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
