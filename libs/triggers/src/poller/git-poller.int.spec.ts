import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineDeclaration } from '@sluice/domain';
import type { TriggerablePipeline } from '../pipeline-catalog';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { TriggeredStartInput } from '../start-execution-port';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import { startGitPoller, type GitPoller, type GitPollerError } from './git-poller';
import { gitLsRemote } from './ls-remote';

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-C', repo, '-c', 'user.name=Sluice Test', '-c', 'user.email=test@sluice.invalid', ...args], { encoding: 'utf8' }).trim();

function makeRepository(root: string, name: string): string {
  const repo = join(root, name);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  commit(repo, 'README.md', 'first');
  return repo;
}

function commit(repo: string, file: string, content: string): string {
  writeFileSync(join(repo, file), content);
  git(repo, 'add', file);
  git(repo, 'commit', '-q', '-m', `change ${file}`);
  return git(repo, 'rev-parse', 'HEAD');
}

function pipelineOn(name: string, repositoryUrl: string): TriggerablePipeline {
  const declaration: PipelineDeclaration = {
    name,
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
            configuration: { RepositoryUrl: repositoryUrl, BranchName: 'main' },
            outputArtifacts: [{ name: 'src' }],
          },
        ],
      },
    ],
  };
  return { account: 'acme', name, declaration };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('git poller against real repositories', () => {
  let root: string;
  let poller: GitPoller | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sluice-poller-'));
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  function start(pipelines: TriggerablePipeline[], audit = new InMemoryTriggerAuditLog()) {
    const starts: TriggeredStartInput[] = [];
    const errors: GitPollerError[] = [];
    let polls = 0;
    poller = startGitPoller({
      pipelines: { listPipelines: async () => pipelines },
      audit,
      start: async (_caller, input) => {
        // The attempt is in the trail before the start happens.
        if (!audit.entries.some((entry) => entry.kind === 'attempt' && entry.start.clientRequestToken === input.clientRequestToken)) throw new Error('started unaudited');
        starts.push(input);
        return { pipelineExecutionId: `exec-${starts.length}` };
      },
      intervalMs: 50,
      lsRemote: async (url) => {
        polls += 1;
        return gitLsRemote(url);
      },
      onError: (error) => errors.push(error),
    });
    return { starts, errors, polls: () => polls, audit };
  }

  it('lists branch heads and peeled tags', async () => {
    const repo = makeRepository(root, 'app');
    const head = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'tag', '-a', 'v1', '-m', 'v1');
    const refs = await gitLsRemote(repo);
    expect(refs.get('refs/heads/main')).toBe(head);
    expect(refs.get('refs/tags/v1')).toBe(head);
  });

  it('remembers on first sight, then starts once per new commit with that commit id', async () => {
    const repo = makeRepository(root, 'app');
    const { starts, polls } = start([pipelineOn('app', repo)]);
    await waitFor(() => polls() >= 3);
    expect(starts).toEqual([]);

    const next = commit(repo, 'src.txt', 'v2');
    await waitFor(() => starts.length === 1);
    const after = polls();
    await waitFor(() => polls() >= after + 3);
    expect(starts).toEqual([
      {
        name: 'app',
        sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: next }],
        clientRequestToken: sourceRevisionToken({ kind: 'push', repositoryUrls: [repo], ref: 'refs/heads/main', commitId: next }, [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: next }]),
        trigger: { triggerType: 'PollForSourceChanges', triggerDetail: `${repo} refs/heads/main` },
      },
    ]);
  });

  it('records each start as the poller, with the commit, before it happens; a start that cannot be recorded waits for the next poll', async () => {
    const repo = makeRepository(root, 'app');
    const audit = new InMemoryTriggerAuditLog();
    const { starts, errors, polls } = start([pipelineOn('app', repo)], audit);
    await waitFor(() => polls() >= 2);
    audit.failWith = new Error('the audit trail is unavailable');
    const next = commit(repo, 'src.txt', 'v2');
    await waitFor(() => errors.some((error) => error.error === 'the audit trail is unavailable'));
    expect(starts).toEqual([]);
    expect(errors.find((error) => error.pipelineName === 'app')).toMatchObject({ repositoryUrl: repo, pipelineName: 'app' });

    audit.failWith = undefined;
    await waitFor(() => starts.length === 1);
    const [attempt, outcome] = audit.entries;
    expect(attempt).toMatchObject({
      kind: 'attempt',
      start: { trigger: { kind: 'poller' }, account: 'acme', pipelineName: 'app', sourceRevisions: [{ actionName: 'Checkout', revisionValue: next }], triggerDetail: `${repo} refs/heads/main`, sourceIp: null },
    });
    expect(outcome).toMatchObject({ kind: 'outcome', attemptId: attempt!.id, outcome: { status: 'succeeded', pipelineExecutionId: 'exec-1' } });
  });

  it('ignores commits on other branches of a pipeline without triggers', async () => {
    const repo = makeRepository(root, 'app');
    const { starts, polls } = start([pipelineOn('app', repo)]);
    await waitFor(() => polls() >= 2);
    git(repo, 'checkout', '-q', '-b', 'dev');
    commit(repo, 'dev.txt', 'dev');
    const after = polls();
    await waitFor(() => polls() >= after + 3);
    expect(starts).toEqual([]);
  });

  it('leaves a source with PollForSourceChanges "false" to webhooks: its repository is not even listed', async () => {
    const repo = makeRepository(root, 'app');
    const webhooksOnly = pipelineOn('webhooks-only', repo);
    webhooksOnly.declaration.stages[0].actions[0].configuration!.PollForSourceChanges = 'false';
    const listed: string[] = [];
    const { starts, polls } = start([webhooksOnly, pipelineOn('polled', repo)]);
    await waitFor(() => polls() >= 2);
    const next = commit(repo, 'src.txt', 'v2');
    await waitFor(() => starts.length >= 1);
    const after = polls();
    await waitFor(() => polls() >= after + 3);
    expect(starts.map((s) => [s.name, s.sourceRevisions[0].revisionValue])).toEqual([['polled', next]]);

    await poller?.stop();
    poller = startGitPoller({
      pipelines: { listPipelines: async () => [webhooksOnly] },
      audit: new InMemoryTriggerAuditLog(),
      start: async () => ({ pipelineExecutionId: 'never' }),
      lsRemote: async (url) => (listed.push(url), gitLsRemote(url)),
      intervalMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(listed).toEqual([]);
  });

  it('reports a repository that disappears, backs off, and keeps polling the others', async () => {
    const gone = makeRepository(root, 'gone');
    const kept = makeRepository(root, 'kept');
    const { starts, errors } = start([pipelineOn('gone', gone), pipelineOn('kept', kept)]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    rmSync(gone, { recursive: true, force: true });
    await waitFor(() => errors.length >= 1);
    expect(errors[0]).toEqual(expect.objectContaining({ repositoryUrl: gone, consecutiveFailures: 1, retryInMs: 100 }));
    expect(errors[0].error).toMatch(/git ls-remote .* failed/);

    const next = commit(kept, 'src.txt', 'v2');
    await waitFor(() => starts.length === 1);
    expect(starts[0]).toEqual(expect.objectContaining({ name: 'kept', sourceRevisions: [expect.objectContaining({ revisionValue: next })] }));
  });

  it('keeps credentials of a repository URL out of its errors', async () => {
    const errors: GitPollerError[] = [];
    poller = startGitPoller({
      pipelines: { listPipelines: async () => [pipelineOn('private', 'https://bot:hunter2@127.0.0.1:9/acme/app.git')] },
      audit: new InMemoryTriggerAuditLog(),
      start: async () => ({ pipelineExecutionId: 'never' }),
      intervalMs: 50,
      onError: (error) => errors.push(error),
    });
    await waitFor(() => errors.length >= 1);
    expect(JSON.stringify(errors)).not.toContain('hunter2');
    expect(errors[0].repositoryUrl).toBe('https://***@127.0.0.1:9/acme/app.git');
  });

  it('refuses a repository URL that looks like an option instead of running it', async () => {
    await expect(gitLsRemote('--upload-pack=touch /tmp/sluice-pwned')).rejects.toThrow(/failed/);
  });
});
