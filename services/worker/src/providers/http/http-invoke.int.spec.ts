import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
import type { Destination } from './check-destination';
import { httpInvokeProvider } from './http-invoke-provider';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on loopback; `routes` answer by path, and every request that arrives is recorded. */
async function startServer(routes: Record<string, (request: Received, response: ServerResponse) => void>): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      received.push(entry);
      const route = routes[(request.url ?? '').split('?')[0] ?? ''];
      if (route === undefined) response.writeHead(404).end('no route');
      else route(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

describe('Invoke/Http against a real local server', () => {
  const jobs = new TestJobs();
  let port: number;
  let server: Server;
  let received: Received[];
  const provider = httpInvokeProvider({ allowedHosts: ['127.0.0.1'] });

  beforeAll(async () => {
    ({ server, port, received } = await startServer({
      '/deploy': (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ deploymentId: 'd-42', replicas: 3, healthy: true, details: { a: 1 } })),
      '/text': (_request, response) => response.writeHead(202).end('accepted'),
      '/broken': (_request, response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('database is down'),
      '/moved': (_request, response) => response.writeHead(307, { location: '/deploy' }).end(),
      '/see-other': (_request, response) => response.writeHead(303, { location: `http://127.0.0.1:${port}/text` }).end(),
      '/elsewhere': (_request, response) => response.writeHead(302, { location: `http://localhost:${port}/deploy` }).end(),
      '/to-metadata': (_request, response) => response.writeHead(302, { location: 'http://metadata.internal.test/latest/meta-data/' }).end(),
      '/to-file': (_request, response) => response.writeHead(302, { location: 'file:///etc/passwd' }).end(),
      '/silent': () => undefined,
    }));
  });
  beforeEach(() => received.splice(0));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await jobs.cleanUp();
  });

  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  /** A resolver for names no real DNS has, recording every lookup: `hooks.internal.test` is this server's address. */
  function fakeDns(table: Record<string, string[]> = {}): { lookup: (hostname: string) => Promise<Destination[]>; asked: string[] } {
    const asked: string[] = [];
    const all: Record<string, string[]> = { 'hooks.internal.test': ['127.0.0.1'], 'metadata.internal.test': ['169.254.169.254'], ...table };
    return { asked, lookup: async (hostname) => (asked.push(hostname), (all[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) };
  }
  const failureOf = (pending: Promise<unknown>): Promise<unknown> => pending.then(() => 'no failure', (error: unknown) => error);

  it('POSTs the job ids and variables by default; a 2xx JSON object answer gives the variables', async () => {
    const job = await jobs.job({ jobId: 'job-7', pipelineExecutionId: 'exec-9', stageName: 'Deploy', actionName: 'Notify', configuration: { Url: url('/deploy') }, variables: { 'Source.CommitId': 'abc' } });
    const result = await provider.run(job, recordingIo());
    expect(result.outputVariables).toEqual({ deploymentId: 'd-42', replicas: '3', healthy: 'true' });
    expect(result.summary).toBe(`POST ${url('/deploy')} answered 200 OK`);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', 'x-sluice-job-id': 'job-7' } });
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ jobId: 'job-7', pipelineExecutionId: 'exec-9', stageName: 'Deploy', actionName: 'Notify', variables: { 'Source.CommitId': 'abc' } });
  });

  it('sends the configured method and body, and writes the answer to the output artifact', async () => {
    const job = await jobs.job({ configuration: { Url: url('/text'), Method: 'put', Body: 'release abc' }, outputArtifacts: [{ name: 'Answer' }] });
    const result = await provider.run(job, recordingIo());
    expect(received[0]).toMatchObject({ method: 'PUT', body: 'release abc', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(result.outputVariables).toEqual({});
    expect(await readFile(join(result.outputArtifacts[0]?.directory ?? '', 'response.body'), 'utf8')).toBe('accepted');
  });

  it('fails on a 500 with the status and the start of the body', async () => {
    const failure = await failureOf(provider.run(await jobs.job({ configuration: { Url: url('/broken') } }), recordingIo()));
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ kind: 'JobFailed', message: `POST ${url('/broken')} answered 500 Internal Server Error: database is down` });
  });

  it('refuses a host that is not allowed before making any request', async () => {
    const onlyExample = httpInvokeProvider({ allowedHosts: ['api.example.com'] });
    const failure = await failureOf(onlyExample.run(await jobs.job({ configuration: { Url: url('/deploy') } }), recordingIo()));
    expect(failure).toMatchObject({ kind: 'ConfigurationError', message: `Url refused: host 127.0.0.1:${port} is not allowed (allowed: api.example.com)` });
    const nothingAllowed = await failureOf(httpInvokeProvider().run(await jobs.job({ configuration: { Url: url('/deploy') } }), recordingIo()));
    expect((nothingAllowed as Error).message).toContain('no host is allowed (SLUICE_HTTP_ALLOWED_HOSTS is empty)');
    const otherPort = await failureOf(httpInvokeProvider({ allowedHosts: [`127.0.0.1:${port + 1}`] }).run(await jobs.job({ configuration: { Url: url('/deploy') } }), recordingIo()));
    expect(otherPort).toMatchObject({ kind: 'ConfigurationError', message: `Url refused: host 127.0.0.1:${port} is not allowed (allowed: 127.0.0.1:${port + 1})` });
    expect(received).toEqual([]);
  });

  it('calls an address listed with its port', async () => {
    const withPort = httpInvokeProvider({ allowedHosts: [`127.0.0.1:${port}`] });
    expect((await withPort.run(await jobs.job({ configuration: { Url: url('/deploy') } }), recordingIo())).outputVariables['deploymentId']).toBe('d-42');
    expect(received).toHaveLength(1);
  });

  it('refuses localhost when only the name is listed: it resolves to a loopback address not listed itself', async () => {
    const byName = httpInvokeProvider({ allowedHosts: ['localhost'] });
    const failure = await failureOf(byName.run(await jobs.job({ configuration: { Url: `http://localhost:${port}/deploy` } }), recordingIo()));
    expect(failure).toMatchObject({
      kind: 'ConfigurationError',
      message: expect.stringMatching(new RegExp(`^Url refused: host localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself \\(.+ or .+:${port}\\)$`)),
    });
    expect(received).toEqual([]);
  });

  it('refuses the metadata address 169.254.169.254, by a name that resolves to it as by the address itself', async () => {
    const dns = fakeDns({ 'mapped.internal.test': ['::ffff:169.254.169.254'] });
    const internal = httpInvokeProvider({ allowedHosts: ['*.internal.test', '127.0.0.1'], lookup: dns.lookup });
    const byName = await failureOf(internal.run(await jobs.job({ configuration: { Url: 'http://metadata.internal.test/latest/meta-data/' } }), recordingIo()));
    expect(byName).toMatchObject({
      kind: 'ConfigurationError',
      message: 'Url refused: host metadata.internal.test resolves to 169.254.169.254, a link-local address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (169.254.169.254 or 169.254.169.254:80)',
    });
    const mapped = await failureOf(internal.run(await jobs.job({ configuration: { Url: 'http://mapped.internal.test/' } }), recordingIo()));
    expect((mapped as Error).message).toContain('resolves to ::ffff:169.254.169.254, a link-local address');
    const literal = await failureOf(internal.run(await jobs.job({ configuration: { Url: 'http://169.254.169.254/latest/meta-data/' } }), recordingIo()));
    expect(literal).toMatchObject({ kind: 'ConfigurationError', message: 'Url refused: host 169.254.169.254 is not allowed (allowed: *.internal.test, 127.0.0.1)' });
  });

  it('connects to the address it checked: a listed name is looked up once, never again by the connection', async () => {
    const dns = fakeDns();
    const hooks = httpInvokeProvider({ allowedHosts: ['hooks.internal.test', '127.0.0.1'], lookup: dns.lookup });
    const result = await hooks.run(await jobs.job({ configuration: { Url: `http://hooks.internal.test:${port}/moved` } }), recordingIo());
    expect(result.outputVariables['deploymentId']).toBe('d-42');
    // No system resolver knows hooks.internal.test: the requests reached this server through the checked 127.0.0.1, once a hop.
    expect(dns.asked).toEqual(['hooks.internal.test', 'hooks.internal.test']);
    expect(received.map((request) => `${request.url} ${request.headers.host}`)).toEqual([`/moved hooks.internal.test:${port}`, `/deploy hooks.internal.test:${port}`]);
  });

  it("refuses the platform's own port on this machine even when the address is listed", async () => {
    const guarded = httpInvokeProvider({ allowedHosts: ['127.0.0.1', 'hooks.internal.test'], refusedPorts: [port], lookup: fakeDns().lookup });
    for (const target of [url('/deploy'), `http://hooks.internal.test:${port}/deploy`]) {
      const failure = await failureOf(guarded.run(await jobs.job({ configuration: { Url: target } }), recordingIo()));
      expect(failure).toMatchObject({ kind: 'ConfigurationError', message: `Url refused: 127.0.0.1:${port} is a port of this machine that Sluice itself listens on, never called` });
    }
    expect(received).toEqual([]);
  });

  it('follows a redirect on an allowed host, and refuses one to another host without calling it', async () => {
    const followed = await provider.run(await jobs.job({ configuration: { Url: url('/moved') } }), recordingIo());
    expect(followed.outputVariables['deploymentId']).toBe('d-42');
    expect(received.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /moved', 'POST /deploy']);

    received.splice(0);
    const seeOther = await provider.run(await jobs.job({ configuration: { Url: url('/see-other') } }), recordingIo());
    expect(seeOther.summary).toContain('answered 202 Accepted');
    expect(received.map((request) => `${request.method} ${request.url} ${request.body}`)).toEqual([expect.stringMatching(/^POST \/see-other \{/), 'GET /text ']);

    received.splice(0);
    // localhost is this very server, but not an allowed name: the redirect must not be followed.
    const failure = await failureOf(provider.run(await jobs.job({ configuration: { Url: url('/elsewhere') } }), recordingIo()));
    expect(failure).toMatchObject({ kind: 'JobFailed', message: `redirect to http://localhost:${port}/deploy refused: host localhost:${port} is not allowed (allowed: 127.0.0.1)` });
    expect(received.map((request) => request.url)).toEqual(['/elsewhere']);
  });

  it('checks the address again on every redirect: to an allowed name that resolves to the metadata address, to a file', async () => {
    const dns = fakeDns();
    const internal = httpInvokeProvider({ allowedHosts: ['*.internal.test', '127.0.0.1'], lookup: dns.lookup });
    const failure = await failureOf(internal.run(await jobs.job({ configuration: { Url: url('/to-metadata') } }), recordingIo()));
    expect(failure).toMatchObject({
      kind: 'JobFailed',
      message: 'redirect to http://metadata.internal.test/latest/meta-data/ refused: host metadata.internal.test resolves to 169.254.169.254, a link-local address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (169.254.169.254 or 169.254.169.254:80)',
    });
    expect(dns.asked).toEqual(['metadata.internal.test']);
    const toFile = await failureOf(internal.run(await jobs.job({ configuration: { Url: url('/to-file') } }), recordingIo()));
    expect(toFile).toMatchObject({ kind: 'JobFailed', message: 'redirect to file:///etc/passwd refused: only http and https are followed' });
    expect(received.map((request) => request.url)).toEqual(['/to-metadata', '/to-file']);
  });

  it('times out on a server that does not answer', async () => {
    const started = Date.now();
    const failure = await failureOf(provider.run(await jobs.job({ timeoutMs: 300, configuration: { Url: url('/silent') } }), recordingIo()));
    expect(failure).toMatchObject({ kind: 'TimedOut', message: `POST ${url('/silent')} timed out after 300 ms` });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends URL credentials as a Basic header and never shows them', async () => {
    const io = recordingIo();
    const result = await provider.run(await jobs.job({ configuration: { Url: `http://hook-user:s3cret-pass@127.0.0.1:${port}/deploy` } }), io);
    expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('hook-user:s3cret-pass').toString('base64')}`);
    expect(JSON.stringify(result) + io.text()).not.toMatch(/s3cret-pass|hook-user/);
  });

  it('fails with the network reason when nothing listens', async () => {
    const closed = await startServer({});
    const closedPort = closed.port;
    await new Promise((resolve) => closed.server.close(resolve));
    const failure = await failureOf(provider.run(await jobs.job({ configuration: { Url: `http://127.0.0.1:${closedPort}/x` } }), recordingIo()));
    expect(failure).toMatchObject({ kind: 'JobFailed', message: expect.stringContaining('ECONNREFUSED') });
  });
});
