import { serveSubgraph, type SubgraphServeConfig } from '@sluice/graphql-service';
import type { ArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import { checkReadiness, eventStoreCheck } from '@sluice/runtime';
import { ArtifactBytes, type Clock } from './application/artifact-bytes';
import { ArtifactQueries } from './application/artifact-queries';
import { ArtifactCollector } from './application/collect-artifacts';
import { OutputRecorder } from './application/record-outputs';
import { isDownloadPath } from '@sluice/artifact-store';
import { artifactHttpRoutes, type ArtifactHttpHandler } from './api/artifact-http-routes';
import { ArtifactsModule } from './artifacts.module';
import { DEFAULTS } from './artifacts-config';
import { ArtifactsProjection } from './projections/artifacts-projection';

export interface ArtifactsAppOptions {
  /** The event store (source of truth of ownership, metadata and retention). */
  store: EventStore;
  /** Where the bytes are: the same store the workers write to. */
  artifactStore: ArtifactStore;
  /** Its port, address and the gateway's secret (the byte routes want it too, but for signed download links). */
  serve: SubgraphServeConfig;
  /** Signs download URLs (see `loadUrlSecret`). */
  urlSecret: Buffer;
  log?: (line: string) => void;
  clock?: Clock;
  retentionDays?: number;
  keepExecutions?: number;
  /** 0 (or absent): retention runs only on demand. */
  collectIntervalMinutes?: number;
  maxUploadBytes?: number;
  downloadUrlTtlMinutes?: number;
}

export interface ArtifactsApp {
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

const DAY_MS = 24 * 60 * 60 * 1000;

/** The artifacts subgraph and its byte routes on one server: composition only. */
export async function createArtifactsApp(options: ArtifactsAppOptions): Promise<ArtifactsApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  const clock = options.clock ?? (() => new Date());
  const recorder = new OutputRecorder(options.store, options.artifactStore, log);
  const projection = new ArtifactsProjection(options.store, {
    onOutputs: (outputs) => recorder.enqueue(outputs),
    onError: (error) => log(`artifacts projection stopped: ${error.message}`),
  });
  await projection.start();
  const policy = { graceMs: (options.retentionDays ?? DEFAULTS.retentionDays) * DAY_MS, keepExecutions: options.keepExecutions ?? DEFAULTS.keepExecutions };
  const collector = new ArtifactCollector(options.store, options.artifactStore, projection, policy, clock, log);
  const bytes = new ArtifactBytes(options.store, options.artifactStore, projection, clock, options.maxUploadBytes ?? DEFAULTS.maxUploadBytes);
  const queries = new ArtifactQueries(projection, options.urlSecret, clock, (options.downloadUrlTtlMinutes ?? DEFAULTS.downloadUrlTtlMinutes) * 60_000);
  const handleHttp = artifactHttpRoutes({ bytes, urlSecret: options.urlSecret, internalSecret: options.serve.internalSecret, clock, log });

  const module = ArtifactsModule.register({ queries, collector, log, internalSecret: options.serve.internalSecret });
  const readiness = () => checkReadiness({ eventStore: eventStoreCheck(options.store) });
  const served = await serveSubgraph(module, { ...options.serve, readiness, httpRoutes: handleHttp, stopAfter: () => projection.stop() });
  const stopCollecting = options.collectIntervalMinutes ? collector.startPeriodic(options.collectIntervalMinutes * 60_000) : async () => {};
  return {
    url: served.url,
    projection,
    collector,
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
