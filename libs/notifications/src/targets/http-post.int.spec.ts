import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson } from './http-post';
import { OutboundRefused } from './outbound-policy';

// An exact URL of `allowedUrls` reaches its loopback host; nothing else of that host does (another path, another port).
describe('postJson with allowedUrls', () => {
  let server: Server;
  let origin: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts to the listed URL and refuses the same host at another path or port', async () => {
    const policy = { allowedAddresses: [], allowedUrls: [`${origin}/demo/notifications`] };
    await postJson(`${origin}/demo/notifications`, '{}', {}, policy);
    expect(received).toEqual(['/demo/notifications']);

    await expect(postJson(`${origin}/graphql`, '{}', {}, policy)).rejects.toThrow(OutboundRefused);
    await expect(postJson(`${origin}/demo/notifications?x=1`, '{}', {}, policy)).rejects.toThrow(/loopback address/);
    const otherPort = `http://127.0.0.1:${(server.address() as AddressInfo).port + 1}/demo/notifications`;
    await expect(postJson(otherPort, '{}', {}, policy)).rejects.toThrow(OutboundRefused);
    await expect(postJson(`${origin}/demo/notifications`, '{}', {}, { allowedAddresses: [] })).rejects.toThrow(OutboundRefused);
    expect(received).toEqual(['/demo/notifications']);
  });
});
