import type { ArtifactStore } from '@sluice/artifact-store';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { openReadModelDatabase, type EventStore, type OpenedReadModelDatabase } from '@sluice/eventing';
import { busCheck, checkReadiness, eventStoreCheck, type BusConfig } from '@sluice/runtime';
import { GatewayAuth, originOf, type GatewayAuthOptions } from './auth/gateway-auth';
import { artifactUploadRouteFor } from './artifact-upload-route';
import { awsRoute, type AwsApiOptions } from './aws/aws-route';
import { ForwardedIdentities } from './aws/forwarded-identities';
import { internalSecretHeaders } from './auth/internal-secret-headers';
import { callerHeadersOf } from './caller-headers';
import { Admission } from './limits/admission';
import { DEFAULT_GATEWAY_LIMITS, withLimits, type GatewayLimitsOverride } from './limits/limits-config';
import { limitsPlugin } from './limits/limits-plugin';
import { requestWeight } from './limits/rate-limiter';
import { sendTooManyRequests } from './limits/too-many-requests';
import { gatewayMetrics } from './metrics/gateway-metrics';
import { metricsAccess, sendMetricsRefusal } from './metrics/metrics-access';
import { PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-text';
import { originFormTarget } from './request-target';
import { endpointUrls, PIPELINES_SUBGRAPH, type SubgraphEndpoint } from './gateway-config';
import { pipelinesSubgraphNames } from './auth/readable-pipelines';
import { subgraphFailoverPlugin } from './subgraph-instances';
import { noteClientAddress } from './client-address';
import { subgraphReadiness } from './subgraph-readiness';
import { serveSubscriptions } from './subscriptions/subscription-server';
import { loadSupergraph } from './supergraph';
import { dashboardFiles } from './static/dashboard-files';
import { inRequestSpan, operationNamePlugin, traceHeaders } from './tracing/request-span';
import { handleSessionRequest, SESSION_PATH } from './auth/session-route';
import { StoredBrowserSessions } from './auth/stored-browser-sessions';

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
   * The store the services write to: subscriptions are fed from it, the audit trail and the refusals written to it.
   * Opened and closed by the caller (main.ts: the one `SLUICE_EVENT_STORE` names).
   */
  eventStore: EventStore;
  /** Where `actionLogAppended` reads the text of action logs the events reference (docs/decisions/0049; SLUICE_LOGS). */
  actionLogStore?: ArtifactStore;
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
   * The dashboard's static build, served at every path no other route owns (docs/decisions/0023): gateway-config.ts's
   * `webDir` (SLUICE_WEB_DIR, else the repository's `web/dist`); null: no dashboard (404 as for any unknown path).
   */
  webDir: string | null;
  /** The bus `/readyz` pings (Kafka: `describeCluster`; in-process: always ready): gateway-config.ts's `runtime.bus`. */
  bus: BusConfig;
  /** The AWS-compatible API at `/aws` (decision 0024): SigV4 with access keys, then the same GraphQL path. Needs `auth`. */
  aws?: AwsApiOptions;
  /**
   * Over the defaults (DEFAULT_GATEWAY_LIMITS), part by part: main.ts and the embedded platform pass gateway-config.ts's
   * `limits` (SLUICE_GRAPHQL_MAX_*, SLUICE_RATE_LIMIT_*, …) whole, a test the one it overrides.
   */
  limits?: GatewayLimitsOverride;
  /** The secret sent to the subgraphs (x-sluice-internal-secret): gateway-config.ts's `internalSecret` (SLUICE_INTERNAL_SECRET). */
  internalSecret: string;
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
  /** Writes the refusals counted so far to the audit trail now, the current period's too (else: once a period, and at stop). */
  flushRefusals(): Promise<void>;
  /** Stops accepting, drains in-flight requests (bounded by `drainMs`), then releases the runtime (not the store: its opener closes it). */
  stop(): Promise<void>;
}

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

/** The surfaces a caller's rate is counted on (per source address); `/healthz`, `/readyz` and the dashboard's files are not. */
function rateLimitedSurfaceOf(path: string): string | undefined {
  if (path === '/graphql' || path === '/metrics' || path === SESSION_PATH) return path;
  return ['/aws', '/webhooks', '/artifacts'].find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The federated `/graphql` of the subgraphs, composed once at start, with `/healthz`, `/readyz` and `/metrics`; the same
 * `/graphql` serves graphql-ws subscriptions fed from the event store. Every request target is read strictly (origin-form),
 * every caller's rate and every operation's size are bounded (limits-config.ts) before anything else is done for it.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = options.log ?? (() => undefined);
  const limits = withLimits(DEFAULT_GATEWAY_LIMITS, options.limits);
  const dashboard = options.webDir === null ? undefined : dashboardFiles(options.webDir);
  const { eventStore } = options;
  const supergraph = await loadSupergraph(options.subgraphs, { waitMs: options.subgraphWaitMs, log, internalSecret: options.internalSecret });
  // Ready = the store answers a read, the bus a ping, every subgraph a query (0014, 0019).
  const readinessChecks = { store: eventStoreCheck(eventStore), bus: busCheck(options.bus) };
  // `/aws` calls enter the one authorization path with a per-call in-process token (decision 0024).
  const identities = new ForwardedIdentities();
  const admission = new Admission(limits, eventStore, log, options.auth?.auditKey ? { key: options.auth.auditKey } : {});
  // The dashboard's sessions live in the store's own database, shared by every gateway (decision 0057); a store without
  // SQL (KurrentDB) gets an in-memory PGlite of this process, so its sessions are this gateway's alone.
  let sessionDatabase: OpenedReadModelDatabase | undefined;
  let auth: GatewayAuth | undefined;
  if (options.auth) {
    sessionDatabase = await openReadModelDatabase(eventStore);
    if (!sessionDatabase.durable) log(`gateway: the event store has no SQL database: browser sessions are kept in this process only (a restart signs everyone out; run one gateway for the dashboard)`);
    const sessions = await StoredBrowserSessions.open({ database: sessionDatabase.database, key: options.auth.sessionKey, log }).catch(async (error: unknown) => {
      await sessionDatabase?.close();
      throw error;
    });
    const pipelinesSubgraph = options.subgraphs.find((subgraph) => subgraph.name === PIPELINES_SUBGRAPH);
    auth = new GatewayAuth(
      {
        ...(pipelinesSubgraph ? { pipelineNames: pipelinesSubgraphNames(endpointUrls(pipelinesSubgraph), options.internalSecret) } : {}),
        ...options.auth,
        authenticator: identities.wrap(options.auth.authenticator),
      },
      eventStore,
      log,
      admission,
      sessions,
    );
  }
  const runtime = createGatewayRuntime({
    supergraph,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, context }) => ({
        ...internalSecretHeaders(options.internalSecret),
        ...traceHeaders(),
        ...(auth ? auth.callerHeaders((context as { req?: IncomingMessage } | undefined)?.req) : callerHeadersOf(request)),
      }),
    },
    // The limits first: an operation over them is refused before it is authorized, planned or recorded per field.
    plugins: () => [operationNamePlugin(), limitsPlugin(admission, (req) => auth?.requestOf(req)), ...(auth ? [auth.plugin()] : []), subgraphFailoverPlugin(options.subgraphs)],
    landingPage: false,
    logging: 'warn',
    // Named, not found by the runtime's `require(\`@graphql-mesh/transport-${kind}\`)`: a require by a computed name
    // escapes the compiled bundle's vendor file (decision 0063) and loads a second GraphQL, whose errors the first one's
    // `instanceof` does not recognise (every subgraph error came out as "Unexpected error.").
    transports: { http: httpTransport },
  });

  const aws = auth && options.aws ? awsRoute({ ...options.aws, auth, runtime, identities, log }) : undefined;
  // Workers' outputs, uploaded with their token to the subgraph named `artifacts` (decision 0038); download links are an httpRoute.
  const uploads = auth ? artifactUploadRouteFor(options.subgraphs, { auth, internalSecret: options.internalSecret, log }) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    noteClientAddress(req, limits.trustedProxies);
    // `//host/…` or `http://host/…` would name another host to whatever resolves it: refused before any route sees it.
    const target = originFormTarget(req.url);
    if (!target.ok) {
      req.resume();
      return send(res, 400, 'application/json', JSON.stringify({ error: 'bad_request', message: target.problem }));
    }
    const { path } = target;
    const surface = rateLimitedSurfaceOf(path);
    if (surface) {
      const origin = originOf(req);
      // An artifact body is streamed to the store, never parsed: its size is the artifacts service's limit, not a rate.
      const over = admission.address(origin, surface, surface === '/artifacts' ? 1 : requestWeight(req.headers));
      if (over) {
        req.resume();
        return sendTooManyRequests(res, surface, over.retryAfterSeconds, over.message, origin.requestId);
      }
    }
    const route = options.httpRoutes?.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    if (route) return void (await route.handle(req, res));
    if (aws && (path === '/aws' || path.startsWith('/aws/'))) return void (await aws.handle(req, res));
    if (uploads && (path === uploads.prefix || path.startsWith(`${uploads.prefix}/`))) return void (await uploads.handle(req, res));
    if (auth && path === SESSION_PATH) return void (await handleSessionRequest(auth, req, res));
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === '/readyz') {
      const [subgraphs, dependencies] = await Promise.all([subgraphReadiness(options.subgraphs, options.internalSecret), checkReadiness(readinessChecks)]);
      const ready = subgraphs.ready && dependencies.ready;
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, ...dependencies.checks, subgraphs: subgraphs.subgraphs }));
    }
    if (path === '/metrics') {
      const access = await metricsAccess(req, auth, limits.metricsPublic);
      if (!access.ok) return sendMetricsRefusal(res, access);
      return send(res, 200, PROMETHEUS_CONTENT_TYPE, await metrics.render(subscriptionCounts(), access.account !== undefined ? { account: access.account } : {}));
    }
    if (path === '/graphql') {
      return inRequestSpan(req, res, async () => {
        if (auth && req.headers.upgrade === undefined && !(await auth.admitHttp(req, res))) return;
        await runtime.requestListener(req, res);
      });
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
  // Before the subscriptions' own upgrade listener: a socket's caller is counted by its client address too.
  server.on('upgrade', (req: IncomingMessage) => noteClientAddress(req, limits.trustedProxies));
  const subscriptions = serveSubscriptions(server, eventStore, { path: '/graphql', log, auth, ...(options.actionLogStore ? { actionLogStore: options.actionLogStore } : {}) });
  const subscriptionCounts = () => ({ connections: subscriptions.connections(), live: subscriptions.liveSubscriptions() });
  const { address, port } = server.address() as AddressInfo;
  const host = address === '::' || address === '0.0.0.0' ? 'localhost' : address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    supergraph,
    subscriptionCounts,
    flushRefusals: () => admission.refusals.flush({ all: true }),
    async stop() {
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 25_000);
      await closed;
      clearTimeout(cut);
      await runtime.dispose();
      // Whatever was refused until the last request is written before the store closes.
      await admission.stop();
      await metrics.stop();
      await sessionDatabase?.close();
    },
  };
}
