import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

// A real graphql-ws server on loopback standing for a gateway: `ticks(after)` delivers the positions after `after`
// (all of them when it is null) from a log the test appends to, as the gateway's subscriptions deliver store events.
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Tick { cursor: String! n: Int! }
  type Subscription { ticks(after: String): Tick! }
`);
const log: number[] = [];
const waiting = new Set<() => void>();
const subscribedWith: (string | null)[] = [];

async function* ticks(after: string | null | undefined): AsyncGenerator<{ ticks: { cursor: string; n: number } }> {
  subscribedWith.push(after ?? null);
  // Without a cursor a subscription starts from now, as the gateway's do.
  let next = after === null || after === undefined ? log.length : Number(after);
  for (;;) {
    while (next < log.length) {
      const n = log[next]!;
      next += 1;
      yield { ticks: { cursor: String(next), n } };
    }
    await new Promise<void>((resolve) => waiting.add(resolve));
  }
}
const append = (n: number) => {
  log.push(n);
  for (const wake of [...waiting]) {
    waiting.delete(wake);
    wake();
  }
};

let server: WebSocketServer;
const port = () => (server.address() as AddressInfo).port;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  useServer({ schema, roots: { subscription: { ticks: ({ after }: { after?: string | null }) => ticks(after) } } }, server);
  // What a page has: its location, and a WebSocket.
  Object.assign(globalThis, { location: { protocol: 'http:', host: `127.0.0.1:${port()}` }, WebSocket });
});

afterAll(async () => {
  const { resetLiveConnection } = await import('./live');
  await resetLiveConnection();
  for (const wake of waiting) wake();
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const until = async (what: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('live subscriptions of the dashboard', () => {
  it('resume after a dropped connection from the last cursor delivered: nothing missed, nothing twice', async () => {
    const { subscribe } = await import('./live');
    const seen: number[] = [];
    const errors: unknown[] = [];
    const stop = subscribe<{ cursor: string; n: number }>('subscription T($after: String) { ticks(after: $after) { cursor n } }', {}, 'ticks', (tick) => seen.push(tick.n), (error) => errors.push(error));
    await until(() => subscribedWith.length === 1);
    append(1);
    append(2);
    await until(() => seen.length === 2);

    // The gateway goes away (killed, restarted, or the balancer moves the page): changes happen while the page is
    // disconnected, and graphql-ws reconnects by itself.
    for (const client of server.clients) client.terminate();
    append(3);
    append(4);
    await until(() => seen.length >= 4);
    append(5);
    await until(() => seen.length >= 5);

    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(subscribedWith).toEqual([null, '2']);
    expect(errors).toEqual([]);
    stop();
  });
});
