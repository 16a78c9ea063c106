import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHostCredentials } from '@sluice/domain';
import { startGitHttpServer, type GitHttpServer } from '@sluice/testing';
import type { TriggeredStartInput } from '../start-execution-port';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import { startGitPoller, type GitPoller, type GitPollerError } from './git-poller';
import { gitLsRemote } from './ls-remote';
import { git, initGitRepository } from '@sluice/testing/fixtures';
import { triggerablePipeline, waitFor } from '../testing';

const PASSWORD = 'op3rator-s3cret';


// A private repository: git's http-backend behind HTTP Basic authentication on 127.0.0.1.
describe('git poller on a repository that needs credentials', () => {
  let root: string;
  let work: string;
  let server: GitHttpServer;
  let operator: GitHostCredentials;
  let poller: GitPoller | undefined;

  const push = (content: string): string => {
    writeFileSync(join(work, 'README.md'), content);
    git(work, 'commit', '-q', '-am', content);
    git(work, 'push', '-q', join(root, 'app.git'), 'main');
    return git(work, 'rev-parse', 'HEAD');
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-poller-private-'));
    work = initGitRepository(join(root, 'work'), { 'README.md': 'first' });
    execFileSync('git', ['clone', '-q', '--bare', work, join(root, 'app.git')]);
    server = await startGitHttpServer({ root, username: 'sluice-bot', password: PASSWORD });
    operator = { username: 'sluice-bot', password: PASSWORD, hosts: [server.host] };
  });
  beforeEach(() => void server.requests.splice(0));
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists the refs of a listed host with the operator's credentials", async () => {
    const refs = await gitLsRemote(`${server.url}/app.git`, { credentials: operator });
    expect(refs.get('refs/heads/main')).toBe(git(work, 'rev-parse', 'HEAD'));
    expect(server.requests.map((request) => request.credentials)).toContain('accepted');
  });

  it('lists them with the credentials of the URL, and without any for a URL of another host', async () => {
    expect((await gitLsRemote(`http://sluice-bot:${PASSWORD}@${server.host}/app.git`)).get('refs/heads/main')).toBe(git(work, 'rev-parse', 'HEAD'));
    server.requests.splice(0);
    const port = server.host.split(':')[1];
    const failure = await gitLsRemote(`http://localhost:${port}/app.git`, { credentials: operator }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(new Set(server.requests.map((request) => request.credentials))).toEqual(new Set(['none']));
  });

  it('keeps wrong credentials of a URL out of its error', async () => {
    const failure = await gitLsRemote(`http://sluice-bot:wrong-t0ken@${server.host}/app.git`).catch((error: Error) => error);
    expect((failure as Error).message).toMatch(new RegExp(`git ls-remote http://\\*\\*\\*@${server.host}/app.git failed`));
    expect((failure as Error).message).not.toContain('wrong-t0ken');
  });

  it("starts the pipeline of a private repository on a new commit, given the operator's credentials", async () => {
    const starts: TriggeredStartInput[] = [];
    const errors: GitPollerError[] = [];
    poller = startGitPoller({
      audit: new InMemoryTriggerAuditLog(),
      pipelines: { listPipelines: async () => [triggerablePipeline('private', `${server.url}/app.git`)] },
      start: async (_caller, input) => (starts.push(input), { pipelineExecutionId: `exec-${starts.length}` }),
      gitCredentials: operator,
      intervalMs: 50,
      onError: (error) => errors.push(error),
    });
    // A second authenticated listing: the first poll, which only remembers the refs, is over.
    await waitFor(() => server.requests.filter((request) => request.path.endsWith('/git-upload-pack') && request.credentials === 'accepted').length >= 2);
    const next = push('second');
    await waitFor(() => starts.length === 1);
    expect(starts[0]!.sourceRevisions).toEqual([expect.objectContaining({ actionName: 'Checkout', revisionValue: next })]);
    expect(errors).toEqual([]);
  });

  it('redacts URL credentials in every error it reports, also those of a failed start', async () => {
    const errors: GitPollerError[] = [];
    poller = startGitPoller({
      audit: new InMemoryTriggerAuditLog(),
      pipelines: { listPipelines: async () => [triggerablePipeline('private', `http://sluice-bot:${PASSWORD}@${server.host}/app.git`)] },
      start: async () => {
        throw new Error(`cannot start from http://sluice-bot:${PASSWORD}@${server.host}/app.git`);
      },
      startOnFirstSight: true,
      intervalMs: 50,
      onError: (error) => errors.push(error),
    });
    await waitFor(() => errors.length >= 1);
    expect(errors[0]).toMatchObject({ pipelineName: 'private', repositoryUrl: `http://***@${server.host}/app.git`, error: `cannot start from http://***@${server.host}/app.git` });
    expect(JSON.stringify(errors)).not.toContain(PASSWORD);
  });
});
