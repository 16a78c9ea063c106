import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { bindAddressFrom, urlHost } from './bind-address';
import { requireInternalSecret } from './internal-secret';

export interface ServedSubgraph {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  close(): Promise<void>;
}

export interface ServeSubgraphOptions {
  /**
   * Answers `/readyz`: 200 with the report when `ready`, else 503 (e.g. `checkReadiness` of `@sluice/runtime`:
   * the store and the bus). Absent: ready whenever the process serves. `/healthz` always answers `ok`.
   */
  readiness?: () => Promise<{ ready: boolean }>;
  /** The address to listen on. Default: `bindAddressFrom(process.env)` (SLUICE_BIND_ADDRESS, else 127.0.0.1). */
  host?: string;
}

type HealthRequest = { method?: string; url?: string };
type HealthResponse = { writeHead(status: number, headers: Record<string, string>): void; end(body: string): void };

/**
 * Starts a Nest application holding a subgraph module on `port` (0 picks a free one), with `/healthz` and `/readyz`.
 * Refuses to start without an internal secret of at least 32 bytes (SLUICE_INTERNAL_SECRET; the embedded platform
 * sets a random one before it starts its services in-process), and listens on loopback unless SLUICE_BIND_ADDRESS
 * says otherwise.
 */
export async function serveSubgraph(module: DynamicModule, port: number, options: ServeSubgraphOptions = {}): Promise<ServedSubgraph> {
  requireInternalSecret(process.env);
  const host = options.host ?? bindAddressFrom(process.env);
  // The GraphQL handler reads bodies itself, with an explicit limit (graphql-http-handler.ts).
  const app = await NestFactory.create(module, { bodyParser: false, logger: ['error', 'warn'] });
  app.use((req: HealthRequest, res: HealthResponse, next: () => void) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz') return next();
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
    await app.listen(port, host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  return { url: `http://${urlHost(address.address)}:${address.port}`, close: () => app.close() };
}
