import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DOWNLOAD_PATH, openFilesystemArtifactStore, openLogStore, type ArtifactStore } from '@sluice/artifact-store';
import { InMemoryCheckpointStore, readModelDatabaseOf, sqlStateSnapshots } from '@sluice/eventing';
import { createArtifactsService, loadArtifactsApi, loadUrlSecret, type ArtifactsService } from '@sluice/artifacts';
import { createExecutionsService, inProcessWorkerId, loadExecutionsApi, type ExecutionsEngine, type ExecutionsService } from '@sluice/executions';
import { useProcessAuditChainKey } from '@sluice/authz';
import { createPermissionsService, ensureAdmin, ensureAdminAccessKey, loadPermissionsApi, type EnsuredAdmin, type PermissionsService } from '@sluice/permissions';
import { cachingAuthenticator, permissionsAccessKeys, permissionsAuthenticator, startGateway, type RunningGateway } from '@sluice/gateway';
import { startEventRelay, type Bus, type EventRelay } from '@sluice/messaging';
import { createPipelinesService, loadPipelinesApi, type PipelinesService } from '@sluice/pipelines';
import { openBuiltInProviders, s3ObjectRevisions, startLauncherProcess, startWorker, type BuiltInProviders } from '@sluice/worker';
import { demoTour, ensureDemoPipeline } from './demo/ensure-demo-pipeline';
import { demoNotificationReceiver, demoNotificationsUrl } from './demo/demo-notification-receiver';
import { PIPELINE_STREAM_PREFIX } from '@sluice/domain';
import { openBus, openEventStore, type OpenedEventStore } from '@sluice/runtime';
import { Notifier } from '@sluice/notifications';
import { startGitPoller, startS3Poller } from '@sluice/triggers';
import { fileWebhookSecrets, pollableCatalog, projectionCatalog, projectionWebhooks, storeTriggerAudit, WEBHOOKS_PREFIX, webhookRoute } from '@sluice/triggers-service';
import type { PlatformConfig } from './platform-config';
import { workerEventLog } from './worker-event-log';
import { component, type PlatformComponent } from '../components/platform-component';
import { entryArguments } from '../entry-arguments';
import { startComponents } from '../components/start-components';

/**
 * The whole platform in one process (embedded mode), a list of components started in order: the event store, the
 * bus and the relay, the pipelines, executions (the engine runner), permissions and artifacts (the collector)
 * subgraphs on loopback ports, one built-in worker taking jobs from the executions engine in-process, the triggers'
 * view of the pipelines, the gateway federating the subgraphs on `config.runtime.port` (with the webhook receiver and the
 * artifact downloads on its server), and the git poller. Configured by what platform-config.ts read, nothing else.
 */
export interface Platform {
  /** The gateway: GraphQL at `${url}/graphql`, `/healthz`, `/readyz`. */
  url: string;
  /** Stops the components in reverse order: the poller, the gateway, …, the worker (running jobs get a grace), …, the relay, the bus, the store. */
  stop(): Promise<void>;
  /** Each component's readiness, in start order. */
  ready(): Promise<Array<{ name: string; ready: boolean }>>;
}

export interface PlatformOptions {
  log?: (line: string) => void;
  /** Create and run the demo pipeline when the store has none (default true). */
  demo?: boolean;
}

const RELAY_ID = 'platform-relay';
/** How long `stop` lets running jobs finish before it aborts them (and reports them failed). */
const WORKER_STOP_GRACE_MS = 10_000;

export async function startPlatform(config: PlatformConfig, options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const trace = config.startupTrace ? startupTrace(log) : undefined;
  const { dataDir, workerConcurrency, pollIntervalMs, auditKey, providers: providerConfig, artifacts: artifactsSettings } = config;

  await mkdir(dataDir, { recursive: true });
  // One audit chain key for every writer and the verifier of this process, in this data folder (decision 0028).
  useProcessAuditChainKey(auditKey);
  // The subgraphs listen on loopback ports: one secret per process lets only this gateway reach them (decision 0021).
  const { serve } = config;
  const { internalSecret } = serve;
  const artifactsDir = join(dataDir, 'artifacts');
  const secretsFile = join(dataDir, 'webhook-secrets.json');
  const adminTokenFile = join(dataDir, 'admin-token');
  const withDemo = options.demo ?? true;
  const demoRoot = join(dataDir, 'demo');

  // What each component made, for the components after it; set by its start.
  let eventStore!: OpenedEventStore;
  let bus!: Bus;
  let busDescription!: string;
  let relay!: EventRelay;
  let pipelines!: PipelinesService;
  let executions!: ExecutionsService;
  let logs!: Awaited<ReturnType<typeof openLogStore>>;
  let admin!: EnsuredAdmin;
  let adminAccessKey!: { file: string };
  let permissions!: PermissionsService;
  let artifactStore!: ArtifactStore;
  let sandbox!: BuiltInProviders['sandbox'];
  let artifacts!: ArtifactsService;
  let catalog!: Awaited<ReturnType<typeof projectionCatalog>>;
  let secrets!: Awaited<ReturnType<typeof fileWebhookSecrets>>;
  let triggerAudit!: ReturnType<typeof storeTriggerAudit>;
  let gateway!: RunningGateway;
  let start!: ExecutionsEngine['startPipelineExecution'];

  const components: PlatformComponent[] = [
    component('event store', async () => {
      // The database opens on a thread of its own (PGlite): meanwhile this one loads the services' APIs (NestJS,
      // their resolvers), which each service would otherwise load in turn when it serves. A failure shows there.
      for (const load of [loadPipelinesApi, loadExecutionsApi, loadPermissionsApi, loadArtifactsApi]) load().catch(() => undefined);
      eventStore = await openEventStore(config.runtime.eventStore);
      return () => eventStore.store.close();
    }),
    component('bus', async () => {
      ({ bus, description: busDescription } = openBus(config.runtime.bus));
      return () => bus.close();
    }),
    component('relay', async () => {
      const inProcessBus = config.runtime.bus.kind === 'in-process';
      relay = await startEventRelay({
        store: eventStore.store,
        // The in-process bus forgets its messages when the process ends, so a relay into it must start
        // from the beginning each time (consumers dedupe); only a durable bus may resume from a stored checkpoint.
        checkpoints: inProcessBus ? new InMemoryCheckpointStore() : eventStore.checkpoints,
        // Nothing but this process hears the in-process bus, and here only the executions service subscribes to it,
        // to the pipelines' events: relaying every other stream read the whole store at each start and kept it in
        // memory for nothing (as the executions service's own relay on an in-process bus, services/executions/src/main.ts).
        ...(inProcessBus ? { streamPrefixes: [PIPELINE_STREAM_PREFIX] } : {}),
        bus,
        subscriberId: RELAY_ID,
        onError: (error, during) => log(`relay: ${during} failed, retrying: ${messageOf(error)}`),
      });
      return () => relay.stop();
    }),
    // Its projection, caught up, before it answers.
    component('pipelines', async () => {
      pipelines = await createPipelinesService({ eventStore: eventStore.store, serve, log, masterKeyCipher: config.masterKeyCipher });
      return () => pipelines.stop();
    }),
    // The engine runner and the executions subgraph, its projections caught up.
    component('executions', async () => {
      // The text of action logs, in chunks the log events reference (docs/decisions/0049).
      logs = await openLogStore(config.logs);
      executions = await createExecutionsService({
        store: eventStore.store,
        bus,
        serve,
        log,
        masterKeyCipher: config.masterKeyCipher,
        auditKey,
        actionLogStore: logs.store,
        retentionSweepIntervalMs: config.retentionSweepIntervalMs,
      });
      return async () => {
        await executions.stop();
        await logs.store.close();
      };
    }),
    component('permissions', async () => {
      // First start: the account `default`, its user `admin` and a token, printed once below and kept in the data folder.
      // Before the permissions service, whose projection has then read the admin's token when it answers.
      admin = await ensureAdmin(eventStore.store, { account: 'default', dataDir });
      // The AWS-compatible API: the admin's access key in {dataDir}/admin-credentials (AWS shared-credentials format, 0600).
      const { accessKeyCipher } = config;
      adminAccessKey = await ensureAdminAccessKey(eventStore.store, { dataDir, cipher: accessKeyCipher, account: 'default' });
      const auditTrail = { key: auditKey, checkpoints: config.auditCheckpoints };
      permissions = await createPermissionsService({ eventStore: eventStore.store, serve, log, accessKeyCipher, auditTrail });
      return () => permissions.stop();
    }),
    component('worker', async () => {
      artifactStore = await openFilesystemArtifactStore({ root: artifactsDir });
      // Jobs' processes are spawned by a small process of their own: a fork of this one blocks its event loop (issue 18).
      const launcher = startLauncherProcess(entryArguments);
      const builtIn = await openBuiltInProviders(providerConfig, artifactStore, { ports: config.runtime.port === 0 ? [] : [config.runtime.port], launcher });
      sandbox = builtIn.sandbox;
      // The in-process worker of an earlier run of this platform is gone (a restart, a kill -9): its jobs go out again now.
      const workerIds = inProcessWorkerId(dataDir);
      const released = await executions.engine.releaseJobs({ workerIdPrefix: workerIds.prefix, except: workerIds.id }, 'the platform restarted');
      if (released.length > 0) log(`worker: ${released.length} job(s) the previous run's worker held handed out again`);
      const worker = startWorker({
        workerId: workerIds.id,
        jobApi: executions.engine,
        providers: builtIn.providers,
        store: artifactStore,
        concurrency: workerConcurrency,
        log: workerEventLog(log),
      });
      return async () => {
        await worker.stop({ graceMs: WORKER_STOP_GRACE_MS });
        await launcher.close();
      };
    }),
    // The artifacts service on the worker's store: metadata, the collector (retention), signed download links
    // (served on the gateway's origin).
    component('artifacts', async () => {
      artifacts = await createArtifactsService({
        eventStore: eventStore.store,
        artifactStore,
        serve,
        urlSecret: await loadUrlSecret(artifactsSettings.urlSecret),
        log,
        settings: artifactsSettings,
      });
      return () => artifacts.stop();
    }),
    // The webhook receiver's and the poller's view of the pipelines (caught up), their secrets and audit; the
    // receiver itself is a route of the gateway's server.
    component('triggers', async () => {
      catalog = await projectionCatalog(eventStore.store, pipelines.projection);
      secrets = await fileWebhookSecrets(secretsFile);
      start = executions.engine.startPipelineExecution.bind(executions.engine);
      // Every trigger start is recorded, as the trigger, before it happens (decision 0028).
      triggerAudit = storeTriggerAudit(eventStore.store);
      return () => catalog.stop();
    }),
    component('gateway', async () => {
      gateway = await startGateway({
        subgraphs: [
          { name: 'pipelines', url: `${pipelines.url}/graphql` },
          { name: 'executions', url: `${executions.url}/graphql` },
          { name: 'permissions', url: `${permissions.url}/graphql` },
          { name: 'artifacts', url: `${artifacts.url}/graphql` },
        ],
        port: config.runtime.port,
        // Subscriptions read the platform's own store: an embedded store cannot be opened twice.
        eventStore: eventStore.store,
        actionLogStore: logs.store,
        bus: config.runtime.bus,
        limits: config.gateway.limits,
        webDir: config.gateway.webDir,
        auth: { authenticator: cachingAuthenticator(permissionsAuthenticator(`${permissions.url}/graphql`, { internalSecret })), auditReads: config.gateway.auditReads, sessionKey: config.masterKeyCipher },
        aws: { accessKeys: permissionsAccessKeys(`${permissions.url}/graphql`, { internalSecret }) },
        internalSecret,
        // The worker polls the engine in-process, so no long poll runs through the gateway: a short drain suffices.
        drainMs: 5_000,
        httpRoutes: [
          webhookRoute({ secrets, pipelines: catalog, start, audit: triggerAudit, log, accountWebhooks: projectionWebhooks(pipelines.projection, config.masterKeyCipher) }),
          { prefix: DOWNLOAD_PATH, handle: async (req, res) => void ((await artifacts.handleDownload(req, res)) || res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')) },
          // The demo's notification rule sends to this platform itself (decision 0055).
          ...(withDemo ? [demoNotificationReceiver(demoRoot)] : []),
        ],
        log,
      }).catch((error: unknown) => {
        throw isAddressInUse(error) ? new Error(`SLUICE_PORT: port ${config.runtime.port} is already in use; set SLUICE_PORT to another port`) : error;
      });
      return () => gateway.stop();
    }),
    // Notification rules' deliveries, driven by the store from a durable checkpoint (decision 0044).
    component('notifier', async () => {
      const settings = config.notifications;
      const database = readModelDatabaseOf(eventStore.store);
      const notifier = new Notifier({
        ...(database ? { snapshots: await sqlStateSnapshots(database) } : {}),
        store: eventStore.store,
        checkpoints: eventStore.checkpoints,
        baseUrl: settings.publicUrl ?? gateway.url,
        sender: {
          // The demo's receiver is on loopback: that one URL is reached, not the address (decision 0055).
          outbound: { allowedAddresses: settings.allowedAddresses, ...(withDemo ? { allowedUrls: [demoNotificationsUrl(gateway.url)] } : {}) },
          ...(settings.smtp ? { smtp: settings.smtp } : {}),
        },
        openSecret: (sealed, binding) => config.masterKeyCipher.open(sealed, binding),
        log: (line) => log(`notifier: ${line}`),
      });
      await notifier.start();
      return () => notifier.stop();
    }),
    component('git poller', async () => {
      const poller = startGitPoller({
        pipelines: pollableCatalog(catalog),
        start,
        audit: triggerAudit,
        intervalMs: pollIntervalMs,
        ...(providerConfig.gitCredentials ? { gitCredentials: providerConfig.gitCredentials } : {}),
        onError: (error) => log(`git poller: ${error.repositoryUrl}${error.pipelineName ? ` (${error.pipelineName})` : ''}: ${error.error}; retry in ${error.retryInMs} ms`),
      });
      return () => poller.stop();
    }),
    component('s3 poller', async () => {
      // Source/S3 objects live in the operator's S3-compatible store: without one there is nothing to watch.
      if (!providerConfig.s3) return () => Promise.resolve();
      const poller = startS3Poller({
        pipelines: catalog,
        start,
        audit: triggerAudit,
        intervalMs: pollIntervalMs,
        ...s3ObjectRevisions(providerConfig.s3),
        onError: (error) => log(`s3 poller: ${error.object}${error.pipelineName ? ` (${error.pipelineName})` : ''}: ${error.error}; retry in ${error.retryInMs} ms`),
      });
      return () => poller.stop();
    }),
  ];

  const running = await startComponents(components, { onStarted: (part) => trace?.phase(part.name) });
  try {
    if (trace) trace.relay(relay);
    log(`Sluice is running at ${gateway.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    log(`  dashboard    ${gateway.url}/   (sign in with the admin token)`);
    log(`  GraphQL      ${gateway.url}/graphql   (health: ${gateway.url}/healthz, ${gateway.url}/readyz)`);
    log(`  AWS API      ${gateway.url}/aws   (AWS_SHARED_CREDENTIALS_FILE=${adminAccessKey.file} aws codepipeline list-pipelines --endpoint-url ${gateway.url}/aws --region us-east-1)`);
    log(`  event store  ${eventStore.description}; bus: ${busDescription}, relayed from the store`);
    log(`  services     pipelines ${pipelines.url}/graphql, executions ${executions.url}/graphql, permissions ${permissions.url}/graphql (federated by the gateway)`);
    log(`  action logs  ${logs.description}`);
    log(`  worker       built in, ${workerConcurrency} jobs at once, artifacts in ${artifactsDir}`);
    log(`  job sandbox  ${sandbox.description}`);
    log(`  deploys      Deploy/Directory under ${providerConfig.deployRoots.join(', ') || 'nothing (SLUICE_DEPLOY_ROOTS)'}; Invoke/Http to ${providerConfig.httpAllowedHosts.join(', ') || 'no host (SLUICE_HTTP_ALLOWED_HOSTS)'}`);
    log(`  artifacts    ${artifacts.url}/graphql; retention after ${artifactsSettings.retentionDays} days unless one of the newest ${artifactsSettings.keepExecutions} executions of a pipeline uses them; download links at ${gateway.url}${DOWNLOAD_PATH}/…`);
    log(`  triggers     webhooks POST ${gateway.url}${WEBHOOKS_PREFIX}/{github|gitlab|generic}/{webhookId} (secrets in ${secretsFile}) and POST ${gateway.url}/webhooks/aws/{id} (PutWebhook); git poller every ${pollIntervalMs / 1000} s`);
    log(`  notifier     rules' notifications linking to ${config.notifications.publicUrl ?? gateway.url}; email ${config.notifications.smtp ? `via ${config.notifications.smtp.host}:${config.notifications.smtp.port}` : 'off (SLUICE_SMTP_HOST)'}`);
    if (secrets.created) {
      log(`Created the webhook 'default' (account default): POST ${gateway.url}${WEBHOOKS_PREFIX}/generic/default (or /github/default, /gitlab/default)`);
      log(`  secret ${secrets.created.secret}  (shown once; kept in ${secretsFile})`);
    }

    if (sandbox.kind !== 'bubblewrap') for (const line of sandboxWarning(sandbox.description)) log(line);

    if (admin.created) {
      log(`Created the admin of account 'default'. Its token (shown once; kept in ${adminTokenFile}, mode 600), for "Authorization: Bearer <token>":`);
      log(`  ${admin.token}`);
    } else {
      log(`Every request needs a token: the admin's is in ${adminTokenFile}.`);
    }

    if (withDemo) {
      const token = admin.created ? admin.token : await readFile(adminTokenFile, 'utf8').then((text) => text.trim(), () => undefined);
      const folders = { root: demoRoot, deployments: join(dataDir, 'deployments'), notificationsUrl: demoNotificationsUrl(gateway.url) };
      const demo = token ? await ensureDemoPipeline(gateway.url, { ...folders, token }) : undefined;
      if (!demo) log(`The demo pipeline was not checked: ${adminTokenFile} is gone, so the platform has no token to ask the gateway with.`);
      else if (demo.kind === 'created') {
        log(`Created the demo pipeline on ${join(demoRoot, 'repo')} and started it (execution ${demo.pipelineExecutionId}).`);
        for (const line of demoTour(gateway.url, folders, adminTokenFile)) log(line);
      } else if (demo.repointed) {
        log(`The demo pipeline exists already: kept; its notification rule now sends to ${demo.repointed} (this start's port).`);
      } else {
        log('The demo pipeline exists already: kept as it is.');
      }
    }

    return { url: gateway.url, stop: running.stop, ready: running.ready };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** Times each start-up phase (with the heap and the resident set), and after "running", where the relay is and when it went idle. */
function startupTrace(log: (line: string) => void) {
  const started = performance.now();
  let last = started;
  const heap = () => {
    const { heapUsed, rss } = process.memoryUsage();
    return `${Math.round(heapUsed / 1048576)} MiB heap, ${Math.round(rss / 1048576)} MiB rss`;
  };
  return {
    phase(name: string) {
      const now = performance.now();
      log(`startup: ${name}: ${((now - last) / 1000).toFixed(2)} s (at ${((now - started) / 1000).toFixed(2)} s, ${heap()})`);
      last = now;
    },
    /** Logs where the relay is at "running", then, once it stood still for 3 s, when it last moved. */
    relay(relay: EventRelay) {
      log(`startup: relay at position ${relay.publishedPosition ?? 'none'} when running`);
      let position = relay.publishedPosition;
      let movedAt = performance.now();
      const watch = setInterval(() => {
        if (relay.publishedPosition !== position) {
          position = relay.publishedPosition;
          movedAt = performance.now();
        } else if (performance.now() - movedAt > 3_000) {
          clearInterval(watch);
          log(`startup: relay idle since ${((movedAt - started) / 1000).toFixed(2)} s, position ${position ?? 'none'} (${heap()})`);
        }
      }, 100);
      watch.unref();
    },
  };
}

/** Said at start, where an operator cannot miss it: commands are refused, or run with the platform's own rights. */
function sandboxWarning(description: string): string[] {
  const rule = '!'.repeat(100);
  return [rule, `!! JOB SANDBOX ${description}`, rule];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const isAddressInUse = (error: unknown): boolean => error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
