import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TriggerablePipeline } from '../pipeline-catalog';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { TriggeredStartInput } from '../start-execution-port';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import { startGitPoller, type GitPoller, type GitPollerError } from './git-poller';
import { gitLsRemote } from './ls-remote';
import { commitFile, git, initGitRepository } from '@sluice/testing/fixtures';
import { triggerablePipeline, waitFor } from '../testing';

const makeRepository = (root: string, name: string): string => initGitRepository(join(root, name), { 'README.md': 'first' });

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
    const { starts, polls } = start([triggerablePipeline('app', repo)]);
    await waitFor(() => polls() >= 3);
    expect(starts).toEqual([]);

    const next = commitFile(repo, 'src.txt', 'v2');
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
    const { starts, errors, polls } = start([triggerablePipeline('app', repo)], audit);
    await waitFor(() => polls() >= 2);
    audit.failWith = new Error('the audit trail is unavailable');
    const next = commitFile(repo, 'src.txt', 'v2');
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
    const { starts, polls } = start([triggerablePipeline('app', repo)]);
    await waitFor(() => polls() >= 2);
    git(repo, 'checkout', '-q', '-b', 'dev');
    commitFile(repo, 'dev.txt', 'dev');
    const after = polls();
    await waitFor(() => polls() >= after + 3);
    expect(starts).toEqual([]);
  });

  it('leaves a source with PollForSourceChanges "false" to webhooks: its repository is not even listed', async () => {
    const repo = makeRepository(root, 'app');
    const webhooksOnly = triggerablePipeline('webhooks-only', repo);
    webhooksOnly.declaration.stages[0].actions[0].configuration!.PollForSourceChanges = 'false';
    const listed: string[] = [];
    const { starts, polls } = start([webhooksOnly, triggerablePipeline('polled', repo)]);
    await waitFor(() => polls() >= 2);
    const next = commitFile(repo, 'src.txt', 'v2');
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
    const { starts, errors, polls } = start([triggerablePipeline('gone', gone), triggerablePipeline('kept', kept)]);
    // Both seen once (the third ls-remote starts a round after the first): a first sight is the baseline, so a commit
    // made before 'kept' was first seen would be in its baseline and never start it (a loaded machine's first round
    // could come after the removal and the commit below).
    await waitFor(() => polls() >= 3);
    rmSync(gone, { recursive: true, force: true });
    await waitFor(() => errors.length >= 1);
    expect(errors[0]).toEqual(expect.objectContaining({ repositoryUrl: gone, consecutiveFailures: 1, retryInMs: 100 }));
    expect(errors[0].error).toMatch(/git ls-remote .* failed/);

    const next = commitFile(kept, 'src.txt', 'v2');
    await waitFor(() => starts.length === 1);
    expect(starts[0]).toEqual(expect.objectContaining({ name: 'kept', sourceRevisions: [expect.objectContaining({ revisionValue: next })] }));
  });

  it('keeps credentials of a repository URL out of its errors', async () => {
    const errors: GitPollerError[] = [];
    poller = startGitPoller({
      pipelines: { listPipelines: async () => [triggerablePipeline('private', 'https://bot:hunter2@127.0.0.1:9/acme/app.git')] },
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
