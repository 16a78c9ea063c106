import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The 429 of a refused request, with `Retry-After`, in the shape its surface speaks: AWS JSON 1.1 with
 * `ThrottlingException` on `/aws` (the AWS SDKs retry it), a GraphQL error with code RATE_LIMITED elsewhere.
 */
export function sendTooManyRequests(res: ServerResponse, surface: string, retryAfterSeconds: number, message: string, requestId: string = randomUUID()): void {
  if (res.headersSent) return void res.destroy();
  const common = { 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store', 'x-request-id': requestId };
  if (surface === '/aws') {
    res.writeHead(429, { ...common, 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'ThrottlingException' });
    res.end(JSON.stringify({ __type: 'ThrottlingException', message }));
    return;
  }
  res.writeHead(429, { ...common, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] }));
}
