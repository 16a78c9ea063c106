import type { ArtifactStore } from '@sluice/artifact-store';
import { isDownloadPath } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import type { SubgraphService, SubgraphServiceOptions } from '@sluice/graphql-service';
import { checkReadiness, eventStoreCheck } from '@sluice/runtime';
import { ArtifactBytes, type Clock } from './application/artifact-bytes';
import { ArtifactQueries } from './application/artifact-queries';
import { ArtifactCollector } from './application/collect-artifacts';
import { OutputRecorder } from './application/record-outputs';
import { artifactHttpRoutes, type ArtifactHttpHandler } from './api/artifact-http-routes';
import { DEFAULTS, type ArtifactsSettings } from './artifacts-config';
import { ArtifactsProjection } from './projections/artifacts-projection';

/** Retention, the upload limit and the download links' lifetime (`loadArtifactsConfig`); each defaults as its variable does. */
export type ArtifactsServiceSettings = Partial<Omit<ArtifactsSettings, 'store' | 'urlSecret'>>;

/** The artifacts application on one event store and one byte store, over its projection: no framework. */
/** The token the API's resolvers inject the composed application by: the one value Nest binds (decision 0036). */
export const ARTIFACTS_APPLICATION = Symbol('ArtifactsApplication');

export interface ArtifactsApplication {
  projection: ArtifactsProjection;
  /** Uploads, downloads and releases per account: what the byte routes call. */
  bytes: ArtifactBytes;
  /** Retention. */
  collector: ArtifactCollector;
  /** The GraphQL reads and signed download links. */
  queries: ArtifactQueries;
}

export interface ArtifactsParts {
  clock: Clock;
  log: (line: string) => void;
  /** Signs download URLs (see `loadUrlSecret`). */
  urlSecret: Buffer;
  settings?: ArtifactsServiceSettings;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Composes the application on a projection its caller starts and stops. */
export function composeArtifacts(eventStore: EventStore, artifactStore: ArtifactStore, projection: ArtifactsProjection, parts: ArtifactsParts): ArtifactsApplication {
  const settings = parts.settings ?? {};
  const policy = { graceMs: (settings.retentionDays ?? DEFAULTS.retentionDays) * DAY_MS, keepExecutions: settings.keepExecutions ?? DEFAULTS.keepExecutions };
  return {
    projection,
    bytes: new ArtifactBytes(eventStore, artifactStore, projection, parts.clock, settings.maxUploadBytes ?? DEFAULTS.maxUploadBytes),
    collector: new ArtifactCollector(eventStore, artifactStore, projection, policy, parts.clock, parts.log),
    queries: new ArtifactQueries(projection, parts.urlSecret, parts.clock, (settings.downloadUrlTtlMinutes ?? DEFAULTS.downloadUrlTtlMinutes) * 60_000),
  };
}

export interface ArtifactsServiceOptions extends SubgraphServiceOptions {
  /** The event store (source of truth of ownership, metadata and retention). */
  eventStore: EventStore;
  /** Where the bytes are: the same store the workers write to. */
  artifactStore: ArtifactStore;
  /** Signs download URLs (see `loadUrlSecret`). */
  urlSecret: Buffer;
  clock?: Clock;
  /** A `collectIntervalMinutes` of 0 (or none): retention runs only on demand. */
  settings?: ArtifactsServiceSettings;
}

export interface ArtifactsService extends SubgraphService {
  /** Base URL: GraphQL at `${url}/graphql`, bytes at `${url}/artifacts/…`. */
  url: string;
  projection: ArtifactsProjection;
  collector: ArtifactCollector;
  /** The byte routes, for a server that serves them itself. */
  handleHttp: ArtifactHttpHandler;
  /** Only `/artifacts/download/{token}` (signed links), for the gateway's origin; answers false for anything else. */
  handleDownload: ArtifactHttpHandler;
  /** Resolves once every output seen so far is recorded (tests). */
  recorded(): Promise<void>;
  /** Stops retention, serving and the projection; the stores stay open (their owner closes them). */
  stop(): Promise<void>;
}

/** The artifacts service: its projection caught up (recording the outputs it reads), then the subgraph and the byte routes on one server. */
export async function createArtifactsService(options: ArtifactsServiceOptions): Promise<ArtifactsService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const clock = options.clock ?? (() => new Date());
  const recorder = new OutputRecorder(options.eventStore, options.artifactStore, log);
  const projection = new ArtifactsProjection(options.eventStore, {
    onOutputs: (outputs) => recorder.enqueue(outputs),
    onError: (error) => log(`artifacts projection stopped: ${error.message}`),
  });
  await projection.start();
  const application = composeArtifacts(options.eventStore, options.artifactStore, projection, { clock, log, urlSecret: options.urlSecret, settings: options.settings });
  const handleHttp = artifactHttpRoutes({ bytes: application.bytes, urlSecret: options.urlSecret, internalSecret: options.serve.internalSecret, clock, log });
  const readiness = () => checkReadiness({ eventStore: eventStoreCheck(options.eventStore) });
  // NestJS is ESM-only (jest cannot load it): the API is loaded when served, not when this file is imported.
  const { serveArtifactsApi } = await loadArtifactsApi();
  const served = await serveArtifactsApi(application, { ...options.serve, readiness, httpRoutes: handleHttp, log, stopAfter: () => projection.stop() });
  const collectIntervalMinutes = options.settings?.collectIntervalMinutes;
  const stopCollecting = collectIntervalMinutes ? application.collector.startPeriodic(collectIntervalMinutes * 60_000) : async () => {};
  return {
    url: served.url,
    projection,
    collector: application.collector,
    handleHttp,
    handleDownload: async (req, res) => isDownloadPath(new URL(req.url ?? '/', 'http://localhost').pathname) && (await handleHttp(req, res)),
    recorded: () => recorder.idle(),
    async stop() {
      await stopCollecting();
      await served.close();
      await recorder.idle();
    },
  };
}

/**
 * The artifacts API (NestJS, ESM-only, so never loaded by jest): loaded when served. A composer may start loading it
 * early, while something else waits (the embedded platform does while its database opens).
 */
export function loadArtifactsApi(): Promise<typeof import('./api/artifacts-api.module')> {
  return import('./api/artifacts-api.module');
}
