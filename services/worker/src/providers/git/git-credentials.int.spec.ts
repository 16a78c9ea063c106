import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitHttpServer, startRedirectServer, type GitHttpServer } from '@sluice/testing';
import type { GitCredentialsConfig } from '../../provider-config';
import { ProviderFailure } from '../provider-failure';
import { GitRepository } from '../testing/git-repository';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { gitEnvironment } from './git-command';
import { gitSourceProvider } from './git-source-provider';

const run = promisify(execFile);
const PASSWORD = 'op3rator-s3cret';

// A private repository as a git host serves it: git's own http-backend behind HTTP Basic authentication on 127.0.0.1.
describe('Source/Git on a repository that needs credentials', () => {
  const jobs = new TestJobs();
  let server: GitHttpServer;
  let head: string;
  let operator: GitCredentialsConfig;

  beforeAll(async () => {
    const root = await jobs.folder('sluice-git-host-');
    await mkdir(join(root, 'work'));
    const work = new GitRepository(join(root, 'work'));
    work.write('README.md', 'private\n');
    head = work.commit('Private commit', '2024-05-01T10:00:00Z');
    work.git('clone', '-q', '--bare', work.dir, join(root, 'app.git'));
    server = await startGitHttpServer({ root, username: 'sluice-bot', password: PASSWORD });
    operator = { username: 'sluice-bot', password: PASSWORD, hosts: [server.host] };
  });
  beforeEach(() => void server.requests.splice(0));
  afterAll(async () => {
    await server?.close();
    await jobs.cleanUp();
  });

  const sourceJob = (RepositoryUrl: string) => jobs.job({ configuration: { RepositoryUrl, BranchName: 'main' }, outputArtifacts: [{ name: 'SourceOutput' }] });
  const credentialsSent = () => new Set(server.requests.map((request) => request.credentials));

  it('fetches with the credentials written into the URL, showing them nowhere', async () => {
    const io = recordingIo();
    const result = await gitSourceProvider({ killGraceMs: 500 }).run(await sourceJob(`http://sluice-bot:${PASSWORD}@${server.host}/app.git`), io);
    expect(result.outputVariables['CommitId']).toBe(head);
    expect(await readFile(join(result.outputArtifacts[0]!.directory, 'README.md'), 'utf8')).toBe('private\n');
    expect(JSON.stringify(result) + io.text()).not.toContain(PASSWORD);
  });

  it("fetches a URL without credentials with the operator's, for a listed host", async () => {
    const io = recordingIo();
    const result = await gitSourceProvider({ killGraceMs: 500, credentials: operator }).run(await sourceJob(`${server.url}/app.git`), io);
    expect(result.outputVariables['CommitId']).toBe(head);
    expect(credentialsSent()).toContain('accepted');
    expect(JSON.stringify(result) + io.text()).not.toContain(PASSWORD);
  });

  it("sends the operator's credentials to no host that is not listed", async () => {
    // localhost is the same server under another name: not the listed 127.0.0.1:<port>.
    const port = server.host.split(':')[1];
    const failure = await gitSourceProvider({ killGraceMs: 500, credentials: operator })
      .run(await sourceJob(`http://localhost:${port}/app.git`), recordingIo())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(credentialsSent()).toEqual(new Set(['none']));
  });

  it('sends no credentials to the host a listed one redirects to', async () => {
    const redirect = await startRedirectServer(server.url);
    try {
      const listedIsTheRedirect = { ...operator, hosts: [redirect.host] };
      const failure = await gitSourceProvider({ killGraceMs: 500, credentials: listedIsTheRedirect })
        .run(await sourceJob(`${redirect.url}/app.git`), recordingIo())
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProviderFailure);
      expect(server.requests.length).toBeGreaterThan(0);
      expect(credentialsSent()).toEqual(new Set(['none']));
    } finally {
      await redirect.close();
    }
  });

  it("gives the URL's own credentials precedence over the operator's", async () => {
    const failure = await gitSourceProvider({ killGraceMs: 500, credentials: operator })
      .run(await sourceJob(`http://someone:wrong-token@${server.host}/app.git`), recordingIo())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'JobFailed' });
    expect((failure as Error).message).not.toMatch(/wrong-token|someone/);
    expect(credentialsSent()).toEqual(new Set(['none', 'refused']));
  });

  it('answers git only for the URL host: asked for another host, the helper gives nothing', async () => {
    const env = { ...gitEnvironment(`${server.url}/app.git`, operator), GIT_TERMINAL_PROMPT: '0' };
    const ask = (host: string) => {
      const child = run('git', ['credential', 'fill'], { env });
      child.child.stdin!.end(`protocol=http\nhost=${host}\n\n`);
      return child.then(({ stdout }) => stdout, (error: { stderr: string }) => `failed: ${error.stderr}`);
    };
    expect(await ask(server.host)).toContain(`password=${PASSWORD}`);
    expect(await ask('evil.example.com')).not.toContain(PASSWORD);
    expect(await ask(`localhost:${server.host.split(':')[1]}`)).not.toContain(PASSWORD);
  });
});
