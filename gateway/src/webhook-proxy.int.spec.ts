import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookProxyRoute, webhookProxyRoutes } from './webhook-proxy';

// The gateway's /webhooks in the distributed mode: passed to a triggers process with the internal secret and the
// sender's address; the platform's own headers are never taken from the client; an unreachable receiver is skipped.
interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const servers: Server[] = [];

async function listen(handler: (seen: Seen) => { status: number; body: unknown }): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(request);
      const answer = handler(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A gateway stand-in serving only the route. */
async function gatewayWith(route: ReturnType<typeof webhookProxyRoute>): Promise<string> {
  const server = createServer((req, res) => void route.handle(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

it('passes the delivery on with the internal secret and the sender, never the client\'s own platform headers', async () => {
  const receiver = await listen(() => ({ status: 200, body: { started: [] } }));
  const gateway = await gatewayWith(webhookProxyRoute([receiver.url], { headers: { 'x-sluice-internal-secret': 's'.repeat(32) } }));
  const answer = await fetch(`${gateway}/webhooks/generic/default`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sluice-signature': 'sha256=abc',
      'x-sluice-timestamp': '1',
      'x-sluice-delivery': 'd-1',
      'x-hub-signature-256': 'sha256=def',
      // Forged by the client: replaced or dropped.
      'x-sluice-internal-secret': 'forged',
      'x-sluice-account': 'victim',
      'x-forwarded-for': '203.0.113.9',
    },
    body: '{"ref":"refs/heads/main"}',
  });
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ started: [] });
  const [seen] = receiver.seen;
  expect(seen!.path).toBe('/webhooks/generic/default');
  expect(seen!.body).toBe('{"ref":"refs/heads/main"}');
  expect(seen!.headers).toMatchObject({
    'x-sluice-signature': 'sha256=abc',
    'x-sluice-timestamp': '1',
    'x-sluice-delivery': 'd-1',
    'x-hub-signature-256': 'sha256=def',
    'x-sluice-internal-secret': 's'.repeat(32),
    'x-forwarded-for': '127.0.0.1',
  });
  expect(seen!.headers['x-sluice-account']).toBeUndefined();
});

it('answers with the receiver\'s status (a refused signature stays a 401), and skips a receiver that is down', async () => {
  const down = await listen(() => ({ status: 200, body: {} }));
  const downUrl = down.url;
  const last = servers.pop()!;
  last.closeAllConnections();
  await new Promise((resolve) => last.close(resolve));
  const receiver = await listen(() => ({ status: 401, body: { message: 'signature does not match this webhook' } }));
  const gateway = await gatewayWith(webhookProxyRoute([downUrl, receiver.url], { headers: {} }));
  const answer = await fetch(`${gateway}/webhooks/github/default`, { method: 'POST', body: '{}' });
  expect(answer.status).toBe(401);
  expect(await answer.json()).toEqual({ message: 'signature does not match this webhook' });
  expect(receiver.seen).toHaveLength(1);
});

it('answers 502 when no receiver can be reached, and 405 to anything but POST', async () => {
  const gateway = await gatewayWith(webhookProxyRoute(['http://127.0.0.1:1'], { headers: {} }));
  expect((await fetch(`${gateway}/webhooks/generic/default`, { method: 'POST', body: '{}' })).status).toBe(502);
  const get = await fetch(`${gateway}/webhooks/generic/default`);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
});

it('is one route for the triggers URLs of the config (SLUICE_WEBHOOK_URLS), none without one, and sends the internal secret it is given', async () => {
  expect(webhookProxyRoutes([], 's'.repeat(32))).toEqual([]);
  const receiver = await listen(() => ({ status: 200, body: { started: [] } }));
  const routes = webhookProxyRoutes([receiver.url], 't'.repeat(32));
  expect(routes).toHaveLength(1);
  const gateway = await gatewayWith(routes[0]!);
  const answer = await fetch(`${gateway}/webhooks/generic/default`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(answer.status).toBe(200);
  expect(receiver.seen[0]!.headers['x-sluice-internal-secret']).toBe('t'.repeat(32));
});
