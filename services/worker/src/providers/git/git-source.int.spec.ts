import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProviderFailure } from '../provider-failure';
import { GitRepository } from '../testing/git-repository';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { gitSourceProvider } from './git-source-provider';

describe('Source/Git against a real repository', () => {
  const jobs = new TestJobs();
  const provider = gitSourceProvider({ killGraceMs: 500 });
  let repo: GitRepository;
  let first: string;
  let second: string;
  let feature: string;

  beforeAll(async () => {
    repo = new GitRepository(await jobs.folder('sluice-repo-'));
    repo.write('README.md', 'version 1\n');
    first = repo.commit('First commit', '2024-03-01T10:00:00+01:00');
    repo.write('README.md', 'version 2\n');
    repo.write('scripts/build.sh', '#!/bin/sh\necho built\n', true);
    second = repo.commit('Second commit\n\nWith a body.', '2024-03-02T11:30:00+01:00');
    repo.git('checkout', '-q', '-b', 'feature', first);
    repo.write('FEATURE.md', 'feature\n');
    feature = repo.commit('Feature work', '2024-03-03T09:00:00Z');
    repo.git('checkout', '-q', 'main');
  });
  afterAll(() => jobs.cleanUp());

  const sourceJob = (configuration: Record<string, string>, sourceRevision?: string) =>
    jobs.job({ configuration, outputArtifacts: [{ name: 'SourceOutput' }], ...(sourceRevision === undefined ? {} : { sourceRevision }) });

  it('outputs the files of the branch head, without .git, and the commit variables', async () => {
    const url = pathToFileURL(repo.dir).href;
    const io = recordingIo();
    const result = await provider.run(await sourceJob({ RepositoryUrl: url, BranchName: 'main' }), io);

    const [artifact] = result.outputArtifacts;
    expect(artifact?.name).toBe('SourceOutput');
    const tree = artifact?.directory ?? '';
    expect(await readFile(join(tree, 'README.md'), 'utf8')).toBe('version 2\n');
    expect((await stat(join(tree, 'scripts/build.sh'))).mode & 0o111).not.toBe(0);
    expect(existsSync(join(tree, '.git'))).toBe(false);
    expect(existsSync(join(tree, 'FEATURE.md'))).toBe(false);
    expect(result.outputVariables).toEqual({
      CommitId: second,
      BranchName: 'main',
      CommitMessage: 'Second commit\n\nWith a body.',
      AuthorDate: '2024-03-02T11:30:00+01:00',
      RepositoryName: repo.dir.split('/').pop(),
    });
    expect(result.sourceRevision).toEqual({ revisionType: 'COMMIT_ID', revisionId: second, revisionSummary: 'Second commit' });
    expect(result.summary).toBe(`${second.slice(0, 12)} Second commit`);
  });

  it('checks out another branch from a plain path', async () => {
    const result = await provider.run(await sourceJob({ RepositoryUrl: repo.dir, BranchName: 'feature' }), recordingIo());
    const tree = result.outputArtifacts[0]?.directory ?? '';
    expect(await readFile(join(tree, 'FEATURE.md'), 'utf8')).toBe('feature\n');
    expect(await readFile(join(tree, 'README.md'), 'utf8')).toBe('version 1\n');
    expect(result.outputVariables['CommitId']).toBe(feature);
  });

  it('checks out a pinned revision instead of the head', async () => {
    const result = await provider.run(await sourceJob({ RepositoryUrl: pathToFileURL(repo.dir).href, BranchName: 'main' }, first), recordingIo());
    const tree = result.outputArtifacts[0]?.directory ?? '';
    expect(await readFile(join(tree, 'README.md'), 'utf8')).toBe('version 1\n');
    expect(existsSync(join(tree, 'scripts'))).toBe(false);
    expect(result.outputVariables).toMatchObject({ CommitId: first, BranchName: 'main', CommitMessage: 'First commit' });
  });

  it('keeps a full clone on the branch with GIT_CLONE', async () => {
    const result = await provider.run(await sourceJob({ RepositoryUrl: pathToFileURL(repo.dir).href, BranchName: 'main', OutputArtifactFormat: 'GIT_CLONE' }), recordingIo());
    const clone = new GitRepository(result.outputArtifacts[0]?.directory ?? '', true);
    expect(clone.git('rev-parse', 'HEAD')).toBe(second);
    expect(clone.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(clone.git('rev-list', '--count', 'HEAD')).toBe('2');
    expect(clone.git('rev-parse', 'origin/feature')).toBe(feature);
    expect(clone.git('status', '--porcelain')).toBe('');
  });

  it('fails with a configuration error naming the missing branch and the URL', async () => {
    const url = pathToFileURL(repo.dir).href;
    const failure = await provider.run(await sourceJob({ RepositoryUrl: url, BranchName: 'release/9' }), recordingIo()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderFailure);
    expect(failure).toMatchObject({ kind: 'ConfigurationError', message: `branch "release/9" not found in ${url}` });
  });

  it('fails naming the URL when there is no repository', async () => {
    const missing = join(repo.dir, '..', 'no-such-repository');
    const failure = await provider.run(await sourceJob({ RepositoryUrl: missing, BranchName: 'main' }), recordingIo()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'JobFailed' });
    expect((failure as Error).message).toContain(`git fetch failed for ${missing} (branch "main")`);
  });

  it('fails with RevisionUnavailable for a pinned commit the repository does not have', async () => {
    const failure = await provider
      .run(await sourceJob({ RepositoryUrl: pathToFileURL(repo.dir).href, BranchName: 'main' }, 'f'.repeat(40)), recordingIo())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'RevisionUnavailable', message: expect.stringContaining(`revision ${'f'.repeat(40)} not found`) });
  });

  it('refuses a branch name git would read as an option', async () => {
    const failure = await provider.run(await sourceJob({ RepositoryUrl: repo.dir, BranchName: '--upload-pack=touch /tmp/x' }), recordingIo()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'ConfigurationError' });
  });

  it('never shows the credentials of the URL in the failure or the logs', async () => {
    const io = recordingIo();
    // Nothing listens on port 9 of loopback: the fetch fails quickly, after git has mentioned the URL.
    const url = 'http://sluice-bot:hunter2-secret-token@127.0.0.1:9/team/app.git';
    const failure = await provider.run(await sourceJob({ RepositoryUrl: url, BranchName: 'main' }), io).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'JobFailed' });
    const message = (failure as Error).message;
    expect(message).toContain('http://***@127.0.0.1:9/team/app.git');
    expect(message + io.text()).not.toMatch(/hunter2|sluice-bot/);
  });
});
