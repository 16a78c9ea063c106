import { clientAddressOf } from './client-address';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '@sluice/triggers';
import { internalSecretHeaders } from './auth/internal-secret-headers';
import type { HttpRoute } from './gateway-server';
import { originFormTarget } from './request-target';

export const WEBHOOKS_PATH = '/webhooks';

/**
 * Request headers never passed on: the connection's own, and those only the platform may set (the internal secret,
 * the caller); the generic provider's own `x-sluice-signature`, `-timestamp` and `-delivery` pass.
 */
const DROPPED = /^(host|connection|keep-alive|proxy-.*|te|trailer|transfer-encoding|upgrade|content-length|x-forwarded-for|x-sluice-(internal-secret|account|actor|principal|token-id))$/i;

/**
 * Distributed mode: `POST /webhooks/{github|gitlab|generic}/{webhookId}` on the gateway's origin, passed to the triggers
 * process (services/triggers), which checks the signature, records the start and starts the pipeline. The body is read
 * here up to the receiver's limit + 1 byte (it answers 413 past it); the sender's address goes as `x-forwarded-for`,
 * with the internal secret that only the gateway holds. A receiver that cannot be reached is skipped for the next.
 */
export function webhookProxyRoute(receivers: readonly string[], options: { headers: Record<string, string>; maxBodyBytes?: number; timeoutMs?: number }): HttpRoute {
  if (receivers.length === 0) throw new RangeError('the webhook proxy needs at least one triggers URL');
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  let next = 0;
  return {
    prefix: WEBHOOKS_PATH,
    async handle(req, res) {
      const json = (status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) =>
        void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra }).end(JSON.stringify(body));
      const target = originFormTarget(req.url);
      if (!target.ok) {
        req.resume();
        return json(400, { message: target.problem });
      }
      if (req.method !== 'POST') {
        req.resume();
        return json(405, { message: 'webhooks take POST' }, { allow: 'POST' });
      }
      const body = await readUpTo(req, limit + 1);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !DROPPED.test(name)) headers[name] = value;
      Object.assign(headers, { 'content-length': String(body.length), 'x-forwarded-for': clientAddressOf(req) ?? '' }, options.headers);
      const problems: string[] = [];
      for (let tried = 0; tried < receivers.length; tried += 1) {
        const receiver = receivers[(next + tried) % receivers.length]!;
        const answer = await forward(new URL(target.path, receiver), headers, body, options.timeoutMs ?? 30_000).catch((error: unknown) => {
          problems.push(`${receiver}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        });
        if (answer === undefined) continue;
        next = (next + tried + 1) % receivers.length;
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json', 'cache-control': 'no-store' });
        res.end(answer.body);
        return;
      }
      json(502, { message: 'no webhook receiver could be reached; the delivery was not taken (send it again)' });
    },
  };
}

/** The gateway process's `/webhooks` (gateway-config.ts: SLUICE_WEBHOOK_URLS), sent with the internal secret; no triggers URL: no route. */
export function webhookProxyRoutes(triggersUrls: readonly string[], internalSecret: string): HttpRoute[] {
  return triggersUrls.length > 0 ? [webhookProxyRoute(triggersUrls, { headers: internalSecretHeaders(internalSecret) })] : [];
}

function readUpTo(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) {
        req.off('data', onData);
        req.resume();
        resolve(Buffer.concat(chunks).subarray(0, max));
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function forward(url: URL, headers: Record<string, string | string[]>, body: Buffer, timeoutMs: number): Promise<{ status: number; contentType?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(url, { method: 'POST', headers, timeout: timeoutMs }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.once('end', () => resolve({ status: answer.statusCode ?? 502, ...(answer.headers['content-type'] ? { contentType: answer.headers['content-type'] } : {}), body: Buffer.concat(chunks) }));
      answer.once('error', reject);
    });
    upstream.once('timeout', () => upstream.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    upstream.once('error', reject);
    upstream.end(body);
  });
}
