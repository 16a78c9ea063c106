import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchive, openFilesystemArtifactStore } from '@sluice/artifact-store';
import { packDirectory } from '@sluice/worker';
import { commandsStage, stage, uploadSourceAction } from '@sluice/testing/fixtures';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// The embedded platform end to end for artifacts: a run's output is recorded by the artifacts service,
// listed and signed through the gateway (authorized there), and downloaded from the gateway's origin.
type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

let dataDir: string;
let platform: PlatformProcess | undefined;

const adminToken = (): string => {
  const file = join(dataDir, 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
};

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await fetch(`${platform!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as Answer<T>;
}

async function eventually<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${platform?.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const pipelineWithSource = (sourceSha256: string) => ({
  name: 'packaged',
  stages: [
    stage('Source', uploadSourceAction(sourceSha256, { runOrder: 1 })),
    commandsStage('Build', ['mkdir -p dist', 'echo "release notes" > dist/NOTES.txt'], { action: 'Package', runOrder: 1, inputs: 'SourceOutput', outputs: [{ name: 'Package', files: ['dist/**'] }] }),
  ],
});

beforeAll(async () => {
  dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-platform-artifacts-')));
  platform = await startPlatformProcess(dataDir);
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('artifacts in the embedded platform', () => {
  it('records a run’s output and serves a signed, expiring download link on the gateway’s origin', async () => {
    // A person's upload of the source through the gateway (sluice:UploadSourceArchive): the upload is the account's claim.
    const sourceDir = join(dataDir, 'source');
    mkdirSync(sourceDir);
    writeFileSync(join(sourceDir, 'README.md'), '# packaged\n');
    const archive = Buffer.concat(await createArchive(sourceDir, 'tar').toArray());
    const uploaded = await fetch(`${platform!.url}/artifacts/default`, { method: 'PUT', headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(archive) });
    expect(uploaded.status).toBe(201);
    const source = (await uploaded.json()) as { sha256: string; size: number };
    expect(source).toEqual({ sha256: createHash('sha256').update(archive).digest('hex'), size: archive.length });

    // An archive written straight into the store (nobody uploaded it) is nobody's: a start naming it is refused.
    writeFileSync(join(sourceDir, 'EXTRA.md'), 'not uploaded\n');
    const store = await openFilesystemArtifactStore({ root: join(dataDir, 'artifacts') });
    const unclaimed = await packDirectory(store, sourceDir);
    await store.close();
    const unclaimedPipeline = { ...pipelineWithSource(unclaimed.sha256), name: 'unclaimed' };
    expect((await gql('mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }', { pipeline: unclaimedPipeline })).errors).toBeUndefined();
    const refused = await eventually(async () => {
      const answer = await gql('mutation { startPipelineExecution(name: "unclaimed") { pipelineExecutionId } }');
      return answer.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' ? answer.errors[0] : undefined;
    }, 'the start naming an archive nobody uploaded to be refused');
    expect(refused.message).toMatch(/was not found in account default/);

    const pipeline = pipelineWithSource(source.sha256);
    expect((await gql('mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }', { pipeline })).errors).toBeUndefined();
    const executionId = await eventually(
      async () => (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "packaged") { pipelineExecutionId } }')).data?.startPipelineExecution.pipelineExecutionId,
      'the executions service to know the pipeline',
    );
    type Listed = { listArtifacts: Array<{ name: string; sha256: string; size: number; contentType: string; actionName: string }> };
    const listed = await eventually(async () => {
      const answer = await gql<Listed>('query($id: ID!) { listArtifacts(pipelineExecutionId: $id) { name sha256 size contentType actionName } }', { id: executionId });
      return answer.data?.listArtifacts.some((artifact) => artifact.name === 'Package') ? answer.data.listArtifacts : undefined;
    }, 'the output to be recorded');
    expect(listed.map((artifact) => artifact.name)).toEqual(['SourceOutput', 'Package']);
    const packaged = listed.filter((artifact) => artifact.name === 'Package');
    expect(packaged).toEqual([{ name: 'Package', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number), contentType: expect.stringMatching(/^application\//), actionName: 'Package' }]);

    const signed = await gql<{ artifactDownloadUrl: { url: string; sha256: string; size: number } }>(
      'query($id: ID!) { artifactDownloadUrl(pipelineName: "packaged", pipelineExecutionId: $id, artifactName: "Package") { url sha256 size } }',
      { id: executionId },
    );
    expect(signed.errors).toBeUndefined();
    const link = signed.data!.artifactDownloadUrl;
    expect(link).toMatchObject({ sha256: packaged[0]!.sha256, size: packaged[0]!.size });
    // A person's browser: no token, no headers, only the link.
    const download = await fetch(`${platform!.url}${link.url}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('packaged-Package');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(link.sha256);
    const forged = await fetch(`${platform!.url}${link.url.slice(0, -3)}AAA`);
    expect(forged.status).toBe(403);

    const anonymous = await fetch(`${platform!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ artifactDownloadUrl(pipelineName: "packaged", pipelineExecutionId: "${executionId}", artifactName: "Package") { url } }` }),
    });
    expect(anonymous.status).toBe(401);

    // The artifacts app stops with the platform, cleanly.
    const exitCode = await platform!.stop();
    platform = undefined;
    expect(exitCode).toBe(0);
  });
});
