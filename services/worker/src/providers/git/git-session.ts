import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { displayUrl, redactCredentials } from '@sluice/domain';
import { abortFailure } from '../job-signal';
import { ProviderFailure } from '../provider-failure';
import { git, type GitContext, type GitOutcome } from './git-command';

export interface GitSourceRequest {
  rawUrl: string;
  /** For argv and config: without credentials. */
  url: string;
  branch: string;
  format: 'CODE_ZIP' | 'GIT_CLONE';
  pinned: string | undefined;
}

/** Git commands on one job's repository, turning failures into `ProviderFailure`s that name the URL and branch. */
export class GitSession {
  constructor(
    private readonly request: GitSourceRequest,
    private readonly context: GitContext,
    private readonly cwd: string,
    private readonly gitDir: string,
    private readonly timeoutMs: number,
  ) {}

  /** What fetches name: a clone's `origin`, else the URL itself (no remote is configured for the files of a commit). */
  get remote(): string {
    return this.request.format === 'GIT_CLONE' ? 'origin' : this.request.url;
  }

  /** The commit the last fetch of one ref brought (its FETCH_HEAD), read from the file rather than by `rev-parse`. */
  async fetchedCommit(): Promise<string | undefined> {
    const head = await readFile(join(this.gitDir, 'FETCH_HEAD'), 'utf8').catch(() => '');
    const lines = head.split('\n').filter((line) => line !== '');
    const commit = lines.length === 1 ? lines[0]!.split('\t')[0] : undefined;
    return commit !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : undefined;
  }

  /** Runs `git --git-dir … <args>`; throws on failure. */
  async run(args: string[], options: { logStderr?: boolean } = {}): Promise<string> {
    const outcome = await this.attempt(args, options);
    if (outcome.status === 'ok') return outcome.stdout;
    throw this.failure(args.find((arg) => /^[a-z][a-z-]*$/.test(arg)) ?? 'git', outcome);
  }

  /** Creates the repository: bare when only the files of a commit are wanted, else a clone's `.git` in `tree`. */
  async init(tree: string | undefined): Promise<void> {
    const args = tree === undefined ? ['init', '-q', '--bare', '--', this.gitDir] : ['init', '-q', '--', tree];
    const outcome = await git(args, this.cwd, this.context, { logStderr: false });
    if (outcome.status === 'aborted') throw abortFailure(this.context.signal, 'Fetching the source', this.timeoutMs);
    if (outcome.status === 'failed') throw this.failure('init', outcome);
  }

  /** Runs `git --git-dir … <args>`; a failure is returned, a stop or timeout thrown. */
  async attempt(args: string[], options: { logStderr?: boolean } = {}): Promise<GitOutcome & { status: 'ok' | 'failed' }> {
    const outcome = await git(['--git-dir', this.gitDir, ...args], this.cwd, this.context, options);
    if (outcome.status === 'aborted') throw abortFailure(this.context.signal, 'Fetching the source', this.timeoutMs);
    return outcome;
  }

  branchMissing(): ProviderFailure {
    return new ProviderFailure(`branch ${JSON.stringify(this.request.branch)} not found in ${displayUrl(this.request.rawUrl)}`, 'ConfigurationError');
  }

  revisionMissing(): ProviderFailure {
    return new ProviderFailure(
      `revision ${this.request.pinned ?? ''} not found in ${displayUrl(this.request.rawUrl)} (branch ${JSON.stringify(this.request.branch)})`,
      'RevisionUnavailable',
    );
  }

  private failure(operation: string, outcome: GitOutcome & { status: 'failed' }): ProviderFailure {
    const stderr = redactCredentials(outcome.stderr, this.request.rawUrl).trim();
    if (operation === 'fetch' && /couldn't find remote ref/i.test(stderr)) return this.branchMissing();
    const lastLines = stderr.split('\n').slice(-5).join('\n') || `exit code ${String(outcome.exitCode)}`;
    return new ProviderFailure(
      `git ${operation} failed for ${displayUrl(this.request.rawUrl)} (branch ${JSON.stringify(this.request.branch)}): ${lastLines}`,
      'JobFailed',
    );
  }
}

/** The commit `revision` names in the session's repository, or the failure `missing` gives. */
export async function resolveCommit(session: GitSession, revision: string, missing: () => ProviderFailure): Promise<string> {
  const outcome = await session.attempt(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { logStderr: false });
  if (outcome.status !== 'ok') throw missing();
  return outcome.stdout.trim();
}

/** Fetches what the job needs and returns the commit to check out. */
export async function fetchRevision(session: GitSession, request: GitSourceRequest): Promise<string> {
  const branchRef = `refs/remotes/origin/${request.branch}`;
  const shallow = request.format === 'CODE_ZIP' ? ['--depth=1'] : [];
  const branchRefspec = request.format === 'GIT_CLONE' ? '+refs/heads/*:refs/remotes/origin/*' : `+refs/heads/${request.branch}:${branchRef}`;
  if (request.pinned === undefined) {
    await session.run(['fetch', '--no-tags', '--progress', ...shallow, session.remote, branchRefspec]);
    // One branch fetched: FETCH_HEAD names its commit. A clone's fetch of every branch reads the ref.
    return (request.format === 'CODE_ZIP' ? await session.fetchedCommit() : undefined) ?? resolveCommit(session, branchRef, () => session.branchMissing());
  }
  if (request.format === 'CODE_ZIP' && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(request.pinned)) {
    // Servers let a client want a commit by id (protocol v2, GitHub, GitLab): one commit, no history.
    const direct = await session.attempt(['fetch', '--no-tags', '--depth=1', session.remote, request.pinned], { logStderr: false });
    if (direct.status === 'ok') return resolveCommit(session, request.pinned, () => session.revisionMissing());
  }
  // Otherwise the branch's history (and the tags, for a pinned tag or short id) is fetched to find it.
  await session.run(['fetch', '--tags', '--progress', session.remote, branchRefspec]);
  return resolveCommit(session, request.pinned, () => session.revisionMissing());
}
