import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ProviderFailure } from '../provider-failure';
import { displayUrl } from '@sluice/domain';
import { checkDestination, type Destination, type DestinationPolicy } from './check-destination';

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HttpResponse {
  /** Where the answer came from, after redirects. */
  url: URL;
  status: number;
  statusText: string;
  contentType: string;
  body: string;
  /** The body was longer than the limit and is cut there. */
  truncated: boolean;
}

const maxRedirects = 5;

/**
 * Sends the request and follows redirects by hand, each target checked (`checkDestination`) before it
 * is requested, and each request sent to the address that was checked: a name is looked up once per
 * hop, so DNS cannot answer one address to the check and another to the connection.
 */
export async function sendFollowingRedirects(request: HttpRequest, policy: DestinationPolicy, signal: AbortSignal, maxBytes: number, log: (line: string) => void): Promise<HttpResponse> {
  let current = request;
  for (let redirects = 0; ; redirects += 1) {
    const what = redirects === 0 ? 'Url' : `redirect to ${displayUrl(current.url.href)}`;
    const kind = redirects === 0 ? 'ConfigurationError' : 'JobFailed';
    if (current.url.protocol !== 'http:' && current.url.protocol !== 'https:') throw new ProviderFailure(`${what} refused: only http and https are followed`, kind);
    const checked = await checkDestination(current.url, policy);
    if ('refused' in checked) throw new ProviderFailure(`${what} refused: ${checked.refused}`, kind);
    const response = await send(current, checked.destination, signal);
    const location = response.headers.location;
    if (response.statusCode < 300 || response.statusCode > 399 || location === undefined) {
      const { text, truncated } = await readLimited(response, maxBytes);
      return { url: current.url, status: response.statusCode, statusText: response.statusMessage ?? '', contentType: response.headers['content-type'] ?? '', body: text, truncated };
    }
    response.destroy();
    if (redirects === maxRedirects) throw new ProviderFailure(`more than ${maxRedirects} redirects from ${displayUrl(request.url.href)}`, 'JobFailed');
    const next = new URL(location, current.url);
    log(`${response.statusCode} -> ${displayUrl(next.href)}`);
    current = redirected(current, response.statusCode, next);
  }
}

/** One request on a connection of its own (no pooled socket, which could lead to another address) to `destination`. */
function send(request: HttpRequest, destination: Destination, signal: AbortSignal): Promise<IncomingMessage & { statusCode: number }> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // net asks for every address when it may try several (autoSelectFamily); either way it gets the checked one.
    if (options.all === true) (callback as (error: null, addresses: LookupAddress[]) => void)(null, [destination]);
    else callback(null, destination.address, destination.family);
  };
  const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = (request.url.protocol === 'https:' ? httpsRequest : httpRequest)(request.url, { method: request.method, headers, signal, agent: false, lookup: pinned }, (response) =>
      resolve(response as IncomingMessage & { statusCode: number }),
    );
    outgoing.once('error', reject);
    outgoing.end(request.body);
  });
}

/** 303, and 301/302 after a POST, become a GET without body (as browsers and fetch do); 307/308 repeat the request. */
function redirected(request: HttpRequest, status: number, url: URL): HttpRequest {
  const sameOrigin = url.origin === request.url.origin;
  const headers = { ...request.headers };
  // Credentials are for the host they were written for.
  if (!sameOrigin) delete headers['authorization'];
  if (status === 303 || ((status === 301 || status === 302) && request.method === 'POST')) {
    delete headers['content-type'];
    return { url, method: status === 303 && request.method === 'HEAD' ? 'HEAD' : 'GET', headers, body: undefined };
  }
  return { ...request, url, headers };
}

function readLimited(response: IncomingMessage, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.destroy();
        resolve({ text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: true });
      }
    });
    response.once('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated: false }));
    response.once('error', reject);
    // A connection cut before the end of the body is a failure, not a short answer.
    response.once('close', () => {
      if (!response.complete && size <= maxBytes) reject(new Error('the connection closed before the end of the answer'));
    });
  });
}
