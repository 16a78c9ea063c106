import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DOWNLOAD_PATH } from '@sluice/artifact-store';
import type { HttpRoute } from './gateway-server';
import type { SubgraphEndpoint } from './subgraph-config';

/** Response headers passed back as the artifacts service sent them (hop-by-hop ones are the server's business). */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'content-disposition', 'accept-ranges', 'cache-control', 'x-sluice-sha256', 'x-sluice-size'];

/**
 * Distributed mode: `/artifacts/download/{token}` on the gateway's origin, streamed from the artifacts service
 * (the link the `artifactDownloadUrl` query signs). Nothing is buffered; when the service cuts a download
 * short (corrupt bytes), the gateway cuts its answer short too, so the client sees a failed download.
 */
export function artifactDownloadProxyRoute(artifactsBaseUrl: string, headers: Record<string, string> = {}): HttpRoute {
  const base = new URL(artifactsBaseUrl);
  return {
    prefix: DOWNLOAD_PATH,
    handle: (req, res) => proxy(req, res, base, headers),
  };
}

/** The route for the subgraph named `artifacts` of `SLUICE_SUBGRAPHS` (its URL without `/graphql`), if there is one. */
export function artifactDownloadRoutesFor(subgraphs: SubgraphEndpoint[], headers: Record<string, string> = {}): HttpRoute[] {
  const artifacts = subgraphs.find((subgraph) => subgraph.name === 'artifacts');
  return artifacts ? [artifactDownloadProxyRoute(artifacts.url.replace(/\/graphql\/?$/, ''), headers)] : [];
}

function proxy(req: IncomingMessage, res: ServerResponse, base: URL, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' }).end(JSON.stringify({ error: 'bad_request', message: `${req.method} is not allowed on a download link; use GET` }));
      return resolve();
    }
    const target = new URL(req.url ?? '/', base);
    const forwarded: Record<string, string> = { ...headers };
    if (typeof req.headers.range === 'string') forwarded.range = req.headers.range;
    const upstream = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: req.method, headers: forwarded }, (answer) => {
      const passed: Record<string, string | string[]> = {};
      for (const name of PASSED_HEADERS) if (answer.headers[name] !== undefined) passed[name] = answer.headers[name]!;
      res.writeHead(answer.statusCode ?? 502, passed);
      answer.on('data', (chunk: Buffer) => {
        if (!res.write(chunk)) answer.pause();
      });
      res.on('drain', () => answer.resume());
      answer.once('end', () => {
        res.end();
        resolve();
      });
      // The service cut the body short: do the same, never end it as if it were complete.
      answer.once('aborted', () => {
        res.socket?.end();
        resolve();
      });
      res.once('close', () => {
        answer.destroy();
        resolve();
      });
    });
    upstream.once('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal', message: `the artifacts service did not answer: ${error.message}` }));
      else res.socket?.end();
      resolve();
    });
    upstream.end();
  });
}
