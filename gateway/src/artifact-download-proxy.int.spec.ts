import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, ensurePostgres, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { startArtifactsService, type ArtifactsServiceProcess } from '@sluice/artifacts/testing';
import { recordExecutionOutput } from '@sluice/artifacts/testing';
import { artifactDownloadProxyRoute, artifactDownloadRoutesFor } from './artifact-download-proxy';

// Distributed mode: the gateway's origin serves signed download links by streaming them from the artifacts service.
const schema = newTestSchema('artifacts_proxy');
let service: ArtifactsServiceProcess;
let events: PostgresEventStore;
let front: Server;
let frontUrl: string;

function get(url: string, method = 'GET'): Promise<{ status: number; body: Buffer; cutShort: boolean; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      const done = (cutShort: boolean) => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), cutShort, headers: res.headers });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => done(false));
      res.once('aborted', () => done(true));
      res.once('error', () => done(true));
    });
    req.once('error', reject);
    req.end();
  });
}

async function downloadUrl(executionId: string): Promise<string> {
  const query = `{ artifactDownloadUrl(pipelineName: "web", pipelineExecutionId: "${executionId}", artifactName: "BuildOutput") { url } }`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await service.graphql(query, {}, { 'x-sluice-account': 'acme' });
    if (answer.data?.artifactDownloadUrl) return `${frontUrl}${answer.data.artifactDownloadUrl.url}`;
    if (Date.now() > deadline) throw new Error(`no download URL: ${JSON.stringify(answer.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  await ensurePostgres();
  service = await startArtifactsService(schema);
  events = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  const [route] = artifactDownloadRoutesFor([{ name: 'pipelines', url: 'http://localhost:1/graphql' }, { name: 'artifacts', url: `${service.url}/graphql` }]);
  expect(route).toBeDefined();
  front = createServer((req, res) => {
    if (req.url?.startsWith(`${route!.prefix}/`)) return void route!.handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => front?.close(resolve));
  await events?.close();
  await service?.stop();
  await dropTestSchema(schema);
  if (service) await rm(service.dataDir, { recursive: true, force: true });
});

describe('artifact download proxy', () => {
  it('streams a signed download through, with its headers, and passes refusals on', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024, 'sluice ');
    await recordExecutionOutput(events, service.artifactsDir, { executionId: 'p-1', account: 'acme', pipelineName: 'web', artifactName: 'BuildOutput', bytes });
    const url = await downloadUrl('p-1');
    const answer = await get(url);
    expect(answer).toMatchObject({ status: 200, cutShort: false });
    expect(answer.body.equals(bytes)).toBe(true);
    expect(answer.headers['content-disposition']).toContain('web-BuildOutput');
    expect((await get(`${url.slice(0, -2)}AA`)).status).toBe(403);
    expect((await get(url, 'POST')).status).toBe(405);
    expect(artifactDownloadRoutesFor([{ name: 'pipelines', url: 'http://localhost:1/graphql' }])).toEqual([]);
  });

  it('cuts the download short when the service finds the bytes corrupt', async () => {
    const bytes = Buffer.from('will be corrupted on disk');
    const sha256 = await recordExecutionOutput(events, service.artifactsDir, { executionId: 'p-2', account: 'acme', pipelineName: 'web', artifactName: 'BuildOutput', bytes });
    const url = await downloadUrl('p-2');
    const path = join(service.artifactsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    await chmod(path, 0o644);
    await writeFile(path, Buffer.from('will be corrupted on diSk'));
    expect(await get(url)).toMatchObject({ status: 200, cutShort: true });
  });

  it('answers 502 naming the service when it is down', async () => {
    const route = artifactDownloadProxyRoute('http://127.0.0.1:1');
    const server = createServer((req, res) => void route.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // A link of the signed shape that has not expired: the only kind the gateway passes on.
    const payload = Buffer.from(JSON.stringify({ a: 'acme', s: '0'.repeat(64), n: 'x', e: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const answer = await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/artifacts/download/${payload}.${'A'.repeat(43)}`);
    await new Promise((resolve) => server.close(resolve));
    expect(answer.status).toBe(502);
    expect(answer.body.toString()).toContain('the artifacts service did not answer');
  });
});
