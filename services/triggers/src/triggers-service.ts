import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditChainKeySource } from '@sluice/authz';
import type { GitHostCredentials } from '@sluice/domain';
import { readModelDatabaseOf, sqlStateSnapshots, type CheckpointStore, type EventStore } from '@sluice/eventing';
import { Notifier, type NotificationSettings } from '@sluice/notifications';
import { internalSecretProblem, INTERNAL_SECRET_HEADER, urlHost } from '@sluice/graphql-service/caller';
import { PipelinesProjection } from '@sluice/pipelines';
import { startGitPoller, startS3Poller, type S3ObjectRevision, type StartExecutionPort } from '@sluice/triggers';
import type { MasterKeyCipher } from '@sluice/runtime';
import { fileWebhookSecrets, pollableCatalog, projectionCatalog, projectionWebhooks, storeTriggerAudit, WEBHOOKS_PREFIX, webhookRoute } from './trigger-components';

/** The deep links' base when SLUICE_PUBLIC_URL is unset: the gateway's default address. */
const DEFAULT_PUBLIC_URL = 'http://localhost:4000';

export interface TriggersServiceOptions {
  store: EventStore;
  /** Starts the executions (the executions subgraph over HTTP in the distributed mode). */
  start: StartExecutionPort;
  /** `webhook-secrets.json` (created with a random secret for account `default` when absent). */
  secretsFile: string;
  /** Only a request carrying it in `x-sluice-internal-secret` is answered: the gateway's proxy. */
  internalSecret: string;
  port: number;
  host: string;
  pollIntervalMs: number;
  auditKey: AuditChainKeySource;
  /** Opens the secret tokens of the webhooks put through the API (decision 0039): the master key the pipelines service seals them with. */
  masterKeyCipher: MasterKeyCipher;
  gitCredentials?: GitHostCredentials;
  /** The operator's S3-compatible store (`s3ObjectRevisions`): with it, the S3 poller watches the Source/S3 objects. */
  s3Revisions?: { revisionOf: S3ObjectRevision; mayWatch: (account: string, bucket: string) => boolean };
  /** With both, the process also delivers the notification rules' notifications (decision 0044), from this durable checkpoint. */
  notifications?: { settings: NotificationSettings; checkpoints: CheckpointStore };
  log: (line: string) => void;
}

export interface TriggersService {
  /** `http://host:port`: webhooks at `${url}/webhooks/{github|gitlab|generic}/{webhookId}`. */
  url: string;
  /** True when this start created `webhook-secrets.json` (its `default` secret is shown once). */
  createdWebhook?: { account: string; secret: string };
  stop(): Promise<void>;
}

/**
 * The webhook receiver and the git poller as a process of their own (distributed mode, issue 17): the pipelines come
 * from the store (the pipelines service's projection, run here), starts go to the executions service, and every start
 * is recorded in the audit trail as the trigger before it happens. Two may run: each start carries a client request
 * token derived from the push, so the store keeps one execution per push whichever process or path saw it first.
 */
export async function startTriggersService(options: TriggersServiceOptions): Promise<TriggersService> {
  const projection = new PipelinesProjection(options.store);
  await projection.start();
  const stops: Array<() => Promise<void>> = [() => projection.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => options.log(`triggers: stopping: ${error instanceof Error ? error.message : String(error)}`));
  };
  try {
    const catalog = await projectionCatalog(options.store, projection);
    stops.push(() => catalog.stop());
    if (options.notifications) {
      const { settings, checkpoints } = options.notifications;
      const database = readModelDatabaseOf(options.store);
      const notifier = new Notifier({
        ...(database ? { snapshots: await sqlStateSnapshots(database) } : {}),
        store: options.store,
        checkpoints,
        baseUrl: settings.publicUrl ?? DEFAULT_PUBLIC_URL,
        sender: { outbound: { allowedAddresses: settings.allowedAddresses }, ...(settings.smtp ? { smtp: settings.smtp } : {}) },
        openSecret: (sealed, binding) => options.masterKeyCipher.open(sealed, binding),
        log: (line) => options.log(`notifier: ${line}`),
      });
      await notifier.start();
      stops.push(() => notifier.stop());
    }
    const secrets = await fileWebhookSecrets(options.secretsFile);
    const audit = storeTriggerAudit(options.store, { key: options.auditKey });
    const route = webhookRoute({
      secrets,
      pipelines: catalog,
      start: options.start,
      audit,
      log: options.log,
      // The gateway proxies the delivery and says whom it came from; only it holds the secret that gets here.
      sourceIpOf: (req) => forwardedFor(req),
      accountWebhooks: projectionWebhooks(projection, options.masterKeyCipher),
    });
    const server = createServer((req, res) => void serve(req, res));
    const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/healthz' || path === '/readyz') return void res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok');
      const refused = internalSecretProblem(req.headers, options.internalSecret);
      if (refused !== undefined) {
        req.resume();
        return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: refused, field: `headers.${INTERNAL_SECRET_HEADER}` }));
      }
      if (path !== WEBHOOKS_PREFIX && !path.startsWith(`${WEBHOOKS_PREFIX}/`)) {
        req.resume();
        return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `${path} is not a webhook path; POST ${WEBHOOKS_PREFIX}/{github|gitlab|generic}/{webhookId}` }));
      }
      try {
        await route.handle(req, res);
      } catch (error) {
        options.log(`triggers: webhook ${path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'the webhook could not be handled; see the triggers log' }));
      }
    };
    await listen(server, options.port, options.host);
    stops.push(() => close(server));
    const poller = startGitPoller({
      pipelines: pollableCatalog(catalog),
      start: options.start,
      audit,
      intervalMs: options.pollIntervalMs,
      ...(options.gitCredentials ? { gitCredentials: options.gitCredentials } : {}),
      onError: (error) => options.log(`git poller: ${error.repositoryUrl}${error.pipelineName ? ` (${error.pipelineName})` : ''}: ${error.error}; retry in ${error.retryInMs} ms`),
    });
    stops.push(() => poller.stop());
    if (options.s3Revisions) {
      const s3Poller = startS3Poller({
        pipelines: catalog,
        start: options.start,
        audit,
        ...options.s3Revisions,
        intervalMs: options.pollIntervalMs,
        onError: (error) => options.log(`s3 poller: ${error.object}${error.pipelineName ? ` (${error.pipelineName})` : ''}: ${error.error}; retry in ${error.retryInMs} ms`),
      });
      stops.push(() => s3Poller.stop());
    }
    const address = server.address() as AddressInfo;
    return { url: `http://${urlHost(address.address)}:${address.port}`, ...(secrets.created ? { createdWebhook: secrets.created } : {}), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The first address of `x-forwarded-for` (the gateway's), else the socket's. */
function forwardedFor(req: IncomingMessage): string | undefined {
  const header = req.headers['x-forwarded-for'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first || undefined;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
