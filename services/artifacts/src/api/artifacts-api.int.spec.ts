import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, ensurePostgres, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { signDownloadToken } from '../domain/download-token';
import { startArtifactsService, TEST_URL_SECRET, type ArtifactsServiceProcess } from '../testing/artifacts-service-process';
import { recordExecutionOutput } from '../testing/recorded-execution';

// The service through its HTTP routes and its GraphQL subgraph, as a child process on PostgreSQL.
const schema = newTestSchema('artifacts_api');
let service: ArtifactsServiceProcess;
let events: PostgresEventStore;

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response ended without its final chunk (the connection closed early). */
  cutShort: boolean;
}

function call(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The byte routes are the gateway's and workers' only: they send the service's internal secret.
    const req = request(`${service.url}${path}`, { method, headers: { 'x-sluice-internal-secret': service.internalSecret, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cutShort: false }));
      res.once('aborted', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cutShort: true }));
      res.once('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cutShort: true }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(service.artifactsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  await ensurePostgres();
  service = await startArtifactsService(schema, { SLUICE_ARTIFACT_MAX_BYTES: String(1024 * 1024) });
  events = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
});
afterAll(async () => {
  await events?.close();
  await service?.stop();
  await dropTestSchema(schema);
  if (service) await rm(service.dataDir, { recursive: true, force: true });
});

describe('artifacts service over HTTP', () => {
  const bytes = Buffer.from('build output of acme\n'.repeat(1000));
  const sha256 = sha256Of(bytes);

  it('round-trips bytes: PUT answers the address, GET and HEAD give them back with their size', async () => {
    const put = await call('PUT', '/artifacts/acme', bytes, { 'x-sluice-sha256': sha256, 'x-sluice-actor': 'alice' });
    expect(put.status).toBe(201);
    expect(json(put)).toEqual({ sha256, size: bytes.length });
    const get = await call('GET', `/artifacts/acme/${sha256}`);
    expect(get).toMatchObject({ status: 200, cutShort: false });
    expect(get.body.equals(bytes)).toBe(true);
    expect(get.headers['x-sluice-sha256']).toBe(sha256);
    const head = await call('HEAD', `/artifacts/acme/${sha256}`);
    expect(head).toMatchObject({ status: 200, headers: expect.objectContaining({ 'x-sluice-size': String(bytes.length) }) });
    expect((await call('GET', `/artifacts/acme/${sha256}`, undefined, { range: 'bytes=0-4' })).body.toString()).toBe('build');
    expect(json(await call('GET', '/artifacts/acme'))).toEqual({ artifacts: [sha256] });
    expect((await events.readStream(`artifact-${sha256}`)).map((event) => [event.type, (event.data as { account: string }).account])).toEqual([['ArtifactUploaded', 'acme']]);
  });

  it('does not give one account the bytes of another, even though they are stored once', async () => {
    const other = await call('GET', `/artifacts/globex/${sha256}`);
    expect(other.status).toBe(404);
    expect(json(other)).toMatchObject({ error: 'not_found' });
    expect((await call('HEAD', `/artifacts/globex/${sha256}`)).status).toBe(404);
    expect(json(await call('GET', '/artifacts/globex'))).toEqual({ artifacts: [] });
    // Uploading the same bytes proves possession: then globex may read them too.
    expect((await call('PUT', '/artifacts/globex', bytes)).status).toBe(201);
    expect((await call('GET', `/artifacts/globex/${sha256}`)).body.equals(bytes)).toBe(true);
    // DELETE gives up globex's claim only; uploading again claims the bytes again.
    expect((await call('DELETE', `/artifacts/globex/${sha256}`)).status).toBe(204);
    expect((await call('GET', `/artifacts/globex/${sha256}`)).status).toBe(404);
    expect((await call('GET', `/artifacts/acme/${sha256}`)).status).toBe(200);
    expect((await call('PUT', '/artifacts/globex', bytes)).status).toBe(201);
    expect((await call('HEAD', `/artifacts/globex/${sha256}`)).status).toBe(200);
  });

  it('stores nothing when the bytes do not match x-sluice-sha256, and says so naming the header', async () => {
    const before = await storedFiles();
    const wrong = sha256Of(Buffer.from('something else'));
    const answer = await call('PUT', '/artifacts/acme', Buffer.from('these bytes'), { 'x-sluice-sha256': wrong });
    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({ error: 'checksum_mismatch', field: 'headers.x-sluice-sha256', expectedSha256: wrong, actualSha256: sha256Of(Buffer.from('these bytes')) });
    expect(await storedFiles()).toEqual(before);
    expect((await events.readStream(`artifact-${sha256Of(Buffer.from('these bytes'))}`))).toEqual([]);
    const malformed = await call('PUT', '/artifacts/acme', Buffer.from('x'), { 'x-sluice-sha256': 'nope' });
    expect([malformed.status, json(malformed).field]).toEqual([400, 'headers.x-sluice-sha256']);
  });

  it('refuses an oversize upload: by its declared length before reading, or once the limit is crossed', async () => {
    const before = await storedFiles();
    const big = Buffer.alloc(1024 * 1024 + 1, 7);
    const declared = await call('PUT', '/artifacts/acme', big, { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(json(declared)).toMatchObject({ error: 'too_large', field: 'headers.content-length', maxBytes: 1024 * 1024 });
    const streamed = await call('PUT', '/artifacts/acme', Buffer.alloc(2000, 1), { 'x-sluice-max-bytes': '1000' });
    expect(streamed.status).toBe(413);
    expect(json(streamed)).toMatchObject({ error: 'too_large', maxBytes: 1000 });
    expect(await storedFiles()).toEqual(before);
    const badPath = await call('GET', '/artifacts/Not_An_Account');
    expect([badPath.status, json(badPath).field]).toEqual([400, 'path.account']);
  });

  it('cuts a download of corrupted bytes short (no final chunk) and logs it', async () => {
    const precious = Buffer.from('precious, soon corrupted');
    const { sha256: address } = json(await call('PUT', '/artifacts/acme', precious)) as { sha256: string };
    const path = join(service.artifactsDir, address.slice(0, 2), address.slice(2, 4), address);
    await chmod(path, 0o644);
    await writeFile(path, Buffer.from('precious, soon corrupteD'));
    const answer = await call('GET', `/artifacts/acme/${address}`);
    expect(answer.status).toBe(200);
    expect(answer.cutShort).toBe(true);
    await eventually(async () => service.output().includes(`GET ${address} (account acme) stopped: Checksum mismatch`), 'the corruption in the log');
  });

  it('signs download URLs for recorded artifacts: they work until they expire, and not when changed', async () => {
    const output = Buffer.from('PK\u0003\u0004 a zip, as far as its first bytes go');
    const executionId = 'e-0001';
    const address = await recordExecutionOutput(events, service.artifactsDir, { executionId, account: 'acme', pipelineName: 'web', artifactName: 'BuildOutput', bytes: output });
    const acme = { 'x-sluice-account': 'acme' };
    await eventually(async () => (await service.graphql(`{ listArtifacts(pipelineExecutionId: "${executionId}") { sha256 } }`, {}, acme)).data?.listArtifacts?.length === 1, 'the record');
    const listed = await service.graphql(`{ listArtifacts(pipelineExecutionId: "${executionId}") { sha256 name stageName actionName size contentType pipelineName } }`, {}, acme);
    expect(listed.data?.listArtifacts).toEqual([{ sha256: address, name: 'BuildOutput', stageName: 'Build', actionName: 'Compile', size: output.length, contentType: 'application/zip', pipelineName: 'web' }]);
    expect((await service.graphql(`{ listArtifacts(pipelineExecutionId: "${executionId}") { sha256 } }`, {}, { 'x-sluice-account': 'globex' })).data?.listArtifacts).toEqual([]);
    expect((await service.graphql(`{ artifact(sha256: "${address}") { size collected records { name } } }`, {}, acme)).data?.artifact).toEqual({ size: output.length, collected: false, records: [{ name: 'BuildOutput' }] });

    const signed = await service.graphql(`{ artifactDownloadUrl(pipelineName: "web", pipelineExecutionId: "${executionId}", artifactName: "BuildOutput") { url expiresAt sha256 size } }`, {}, acme);
    const download = signed.data?.artifactDownloadUrl as { url: string; expiresAt: string; sha256: string; size: number };
    expect(download).toMatchObject({ sha256: address, size: output.length, url: expect.stringMatching(/^\/artifacts\/download\/[\w-]+\.[\w-]+$/) });
    expect(Date.parse(download.expiresAt) - Date.now()).toBeGreaterThan(10 * 60_000);
    const got = await call('GET', download.url);
    expect(got.status).toBe(200);
    expect(got.body.equals(output)).toBe(true);
    expect(got.headers['content-disposition']).toContain('filename="web-BuildOutput.zip"');

    const [payload, signature] = download.url.split('/').at(-1)!.split('.') as [string, string];
    const changed = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), a: 'globex' })).toString('base64url');
    const forged = await call('GET', `/artifacts/download/${changed}.${signature}`);
    expect(forged.status).toBe(403);
    expect(String(json(forged).message)).toContain('signature does not match');
    const expiredToken = signDownloadToken({ account: 'acme', sha256: address, fileName: 'x.zip', expiresAt: new Date(Date.now() - 1000) }, Buffer.from(TEST_URL_SECRET));
    const expired = await call('GET', `/artifacts/download/${expiredToken}`);
    expect(expired.status).toBe(403);
    expect(String(json(expired).message)).toContain('expired');

    const missing = await service.graphql(`{ artifactDownloadUrl(pipelineName: "web", pipelineExecutionId: "${executionId}", artifactName: "Nope") { url } }`, {}, acme);
    expect(missing.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: expect.stringContaining('it has: BuildOutput') });
    const otherAccount = await service.graphql(`{ artifactDownloadUrl(pipelineName: "web", pipelineExecutionId: "${executionId}", artifactName: "BuildOutput") { url } }`, {}, { 'x-sluice-account': 'globex' });
    expect(otherAccount.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('runs retention on demand; a dry run deletes nothing', async () => {
    const answer = await service.graphql('mutation { collectArtifacts(dryRun: true) { dryRun artifacts { sha256 } foundCount retentionDays keepExecutions } }', {}, { 'x-sluice-account': 'acme' });
    expect(answer.data?.collectArtifacts).toEqual({ dryRun: true, artifacts: [], foundCount: 0, retentionDays: 30, keepExecutions: 100 });
  });
});
