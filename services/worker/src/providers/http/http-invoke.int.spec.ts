import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderFailure } from '../provider-failure';
import { recordingIo, TestJobs } from '../testing/provider-job';
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
    expect((nothingAllowed as Error).message).toContain("no host is allowed (the worker's allowedHosts is empty)");
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
