import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DOWNLOAD_PATH } from '@sluice/artifact-store';
import type { HttpRoute } from './gateway-server';
import { originFormTarget } from './request-target';
import { endpointUrls, type SubgraphEndpoint } from './gateway-config';
import { askFirstConnected, instanceUrls, neverConnected, type InstanceUrls } from './subgraph-instances';

/** Response headers passed back as the artifacts service sent them (hop-by-hop ones are the server's business). */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'content-disposition', 'accept-ranges', 'cache-control', 'x-sluice-sha256', 'x-sluice-size'];

/** `base64url(payload).base64url(HMAC-SHA256)`: the shape the artifacts service signs (services/artifacts download-token.ts). */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/;

/**
 * Why a download path does not carry a usable link, checked before the artifacts service is asked: the gateway cannot
 * verify the signature (the service holds the key), but it refuses what is not a signed token, or one whose expiry
 * has passed, without a request leaving it.
 */
export function downloadLinkProblem(path: string, now: Date = new Date()): string | undefined {
  const prefix = `${DOWNLOAD_PATH}/`;
  if (!path.startsWith(prefix)) return 'not a download link';
  const match = TOKEN_SHAPE.exec(path.slice(prefix.length));
  if (!match) return 'The download link is not valid: it is not a Sluice download token.';
  let expires: unknown;
  try {
    expires = (JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { e?: unknown } | null)?.e;
  } catch {
    return 'The download link is not valid: it is not a Sluice download token.';
  }
  if (typeof expires !== 'number' || !Number.isFinite(expires)) return 'The download link is not valid: it is not a Sluice download token.';
  if (expires * 1000 <= now.getTime()) return `The download link expired at ${new Date(expires * 1000).toISOString()}; ask for a new one.`;
  return undefined;
}

/**
 * Distributed mode: `/artifacts/download/{token}` on the gateway's origin, streamed from the artifacts service
 * (the link the `artifactDownloadUrl` query signs). Only that service is ever asked, and only for a link of the
 * signed shape: the request target is read strictly (origin-form), never resolved against the service's URL.
 * Nothing is buffered; when the service cuts a download short (corrupt bytes), the gateway cuts its answer short too.
 */
export function artifactDownloadProxyRoute(artifactsBaseUrl: InstanceUrls, headers: Record<string, string> = {}): HttpRoute {
  const origins = instanceUrls(artifactsBaseUrl).map((url) => {
    const base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`the artifacts service URL must be http(s), got ${url}`);
    return `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  });
  return {
    prefix: DOWNLOAD_PATH,
    handle: (req, res) => {
      const json = (status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) =>
        void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra }).end(JSON.stringify(body));
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        req.resume();
        return json(405, { error: 'bad_request', message: `${req.method} is not allowed on a download link; use GET` }, { allow: 'GET, HEAD' });
      }
      const target = originFormTarget(req.url);
      if (!target.ok) return json(400, { error: 'bad_request', message: target.problem });
      const problem = downloadLinkProblem(target.path);
      if (problem) return json(problem === 'not a download link' ? 404 : 403, { error: problem === 'not a download link' ? 'not_found' : 'forbidden', message: problem });
      // A download has no body: an instance that takes no connection leaves it to the next (subgraph-instances.ts).
      return askFirstConnected(origins, (origin) => proxy(req, res, new URL(`${origin}${target.path}`), headers)).catch((error: unknown) => {
        if (!res.headersSent) json(502, { error: 'internal', message: `the artifacts service did not answer: ${error instanceof Error ? error.message : String(error)}` });
      });
    },
  };
}

/** The route for the subgraph named `artifacts` of `SLUICE_SUBGRAPHS` (its URL without `/graphql`), if there is one. */
export function artifactDownloadRoutesFor(subgraphs: SubgraphEndpoint[], headers: Record<string, string> = {}): HttpRoute[] {
  const artifacts = subgraphs.find((subgraph) => subgraph.name === 'artifacts');
  return artifacts ? [artifactDownloadProxyRoute(endpointUrls(artifacts).map((url) => url.replace(/\/graphql\/?$/, '')), headers)] : [];
}

function proxy(req: IncomingMessage, res: ServerResponse, target: URL, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
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
      // No connection, nothing answered: the next instance may take it (askFirstConnected), else the route answers 502.
      if (!res.headersSent && neverConnected(error)) return reject(error);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal', message: `the artifacts service did not answer: ${error.message}` }));
      else res.socket?.end();
      resolve();
    });
    upstream.end();
  });
}
