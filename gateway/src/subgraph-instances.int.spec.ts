import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { askFirstConnected, fetchFirstConnected, instanceOrder, neverConnected } from './subgraph-instances';

// Real sockets on loopback: an instance that is gone refuses the connection (ECONNREFUSED), as a killed subgraph does.
let answering: Server;
let resetting: Server;
let answeringUrl: string;
let resettingUrl: string;
let deadUrl: string;
const requests = { answering: 0, resetting: 0 };

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};

beforeAll(async () => {
  answering = createServer((req, res) => {
    requests.answering += 1;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}'));
  });
  // Takes the request, then drops the connection without an answer: the request reached an instance.
  resetting = createServer((req) => {
    requests.resetting += 1;
    req.socket.destroy();
  });
  answeringUrl = await listen(answering);
  resettingUrl = await listen(resetting);
  // A port that was listening and is closed now: connections to it are refused.
  const closed = createServer();
  deadUrl = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  await Promise.all([answering, resetting].map((server) => new Promise((resolve) => server.close(resolve))));
});

const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' };

describe('a subgraph served by several instances', () => {
  it('goes to the next instance when one refuses the connection, and asks the refusing one last for a while', async () => {
    const before = requests.answering;
    const answer = await fetchFirstConnected([deadUrl, answeringUrl], post);
    expect(answer.status).toBe(200);
    expect(requests.answering).toBe(before + 1);
    expect(instanceOrder([deadUrl, answeringUrl])).toEqual([answeringUrl, deadUrl]);
    // Five seconds on, the first instance is asked first again (it may be back).
    expect(instanceOrder([deadUrl, answeringUrl], Date.now() + 6_000)).toEqual([deadUrl, answeringUrl]);
  });

  it('never sends a request twice: an instance that took it and failed is the caller’s error, not the next instance’s job', async () => {
    const before = { ...requests };
    const error = await fetchFirstConnected([resettingUrl, answeringUrl], post).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ message: 'fetch failed' });
    expect(neverConnected(error)).toBe(false);
    expect(requests.resetting).toBe(before.resetting + 1);
    expect(requests.answering).toBe(before.answering);
  });

  it('fails with the last refusal when no instance takes the connection', async () => {
    const error = await askFirstConnected([deadUrl, deadUrl.replace('/graphql', '/other')], (url) => fetch(url, post)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(neverConnected(error)).toBe(true);
  });

  it('with one instance, passes its error on unchanged', async () => {
    await expect(fetchFirstConnected(deadUrl, post)).rejects.toThrow('fetch failed');
  });
});
