import { ProviderFailure } from '../provider-failure';
import { displayUrl } from '../url/url-credentials';
import type { AllowedHosts } from './allowed-hosts';

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
 * Sends the request and follows redirects by hand, each target checked against the allowed hosts
 * before it is requested (fetch's own following would call a host nobody allowed).
 */
export async function sendFollowingRedirects(request: HttpRequest, allowed: AllowedHosts, signal: AbortSignal, maxBytes: number, log: (line: string) => void): Promise<HttpResponse> {
  let current = request;
  for (let redirects = 0; ; redirects += 1) {
    if (!allowed.allows(current.url)) {
      const hosts = allowed.patterns.length === 0 ? 'no host is allowed (the worker\'s allowedHosts is empty)' : `allowed: ${allowed.patterns.join(', ')}`;
      const what = redirects === 0 ? 'Url' : `redirect to ${displayUrl(current.url.href)}`;
      throw new ProviderFailure(`${what} refused: host ${current.url.host} is not allowed (${hosts})`, redirects === 0 ? 'ConfigurationError' : 'JobFailed');
    }
    const response = await fetch(current.url, { method: current.method, headers: current.headers, body: current.body, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) {
      const { text, truncated } = await readLimited(response, maxBytes);
      return { url: current.url, status: response.status, statusText: response.statusText, contentType: response.headers.get('content-type') ?? '', body: text, truncated };
    }
    await response.body?.cancel();
    if (redirects === maxRedirects) throw new ProviderFailure(`more than ${maxRedirects} redirects from ${displayUrl(request.url.href)}`, 'JobFailed');
    const next = new URL(location, current.url);
    log(`${response.status} -> ${displayUrl(next.href)}`);
    current = redirected(current, response.status, next);
  }
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

async function readLimited(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
