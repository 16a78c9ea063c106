import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { internalSecretProblem, urlHost, type SubgraphServeConfig } from '@sluice/graphql-service/caller';

/** One durable read model as the projections process reports it. */
export interface ReadModelStatus {
  name: string;
  /** Its checkpoint (the last position folded), -1 before the first event. */
  checkpoint: bigint;
  eventsRead: number;
  eventsFolded: number;
  /** Why it stopped folding, once it has for good. */
  failure?: string;
}

export interface ReadModelHttpOptions {
  serve: SubgraphServeConfig;
  /** The store's check (and any other dependency's). */
  readiness?: () => Promise<{ ready: boolean; checks?: Record<string, string> }>;
  readModels: () => readonly ReadModelStatus[];
}

export interface ReadModelHttp {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP face of a process that only folds read models (docs/decisions/0061): `/healthz`; `/readyz` (the store
 * answers and no read model failed); `/metrics` in Prometheus' text format, for the gateway's secret only, as every
 * path of a service but the health checks is (decision 0021).
 */
export async function serveReadModelHttp(options: ReadModelHttpOptions): Promise<ReadModelHttp> {
  const server = createServer((req, res) => void answer(req, res).catch((error: unknown) => send(res, 500, 'text/plain', `${error instanceof Error ? error.message : String(error)}\n`)));
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume();
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      const report = (await options.readiness?.()) ?? { ready: true, checks: {} };
      const failed = options.readModels().filter((model) => model.failure !== undefined);
      const checks: Record<string, string> = { ...report.checks };
      for (const model of options.readModels()) checks[model.name] = model.failure ?? 'up';
      const ready = report.ready && failed.length === 0;
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, checks }));
    }
    const refused = internalSecretProblem(req.headers, options.serve.internalSecret);
    if (refused !== undefined) return send(res, 401, 'text/plain', `${refused}\n`);
    if (path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', metricsText(options.readModels()));
    return send(res, 404, 'text/plain', 'not found: this process folds read models; it serves /healthz, /readyz and /metrics\n');
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.serve.port, options.serve.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${urlHost(options.serve.host)}:${port}`, close: () => close(server) };
}

/** The read models' progress as Prometheus gauges and counters, one series per read model. */
export function metricsText(models: readonly ReadModelStatus[]): string {
  const families: Array<[string, string, string, (m: ReadModelStatus) => string]> = [
    ['sluice_read_model_checkpoint', 'gauge', 'The store position of the last event the read model folded (-1: none yet).', (m) => m.checkpoint.toString()],
    ['sluice_read_model_events_read_total', 'counter', 'Events this process read for the read model since it started.', (m) => String(m.eventsRead)],
    ['sluice_read_model_events_folded_total', 'counter', 'Events this process folded (committed) into the read model since it started.', (m) => String(m.eventsFolded)],
    ['sluice_read_model_failed', 'gauge', '1 when the read model stopped folding for good.', (m) => (m.failure === undefined ? '0' : '1')],
  ];
  return families
    .map(([name, type, help, value]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...models.map((m) => `${name}{read_model="${m.name}"} ${value(m)}`)].join('\n'))
    .join('\n')
    .concat('\n');
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
