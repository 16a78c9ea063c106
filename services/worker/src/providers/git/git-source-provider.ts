import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { displayUrl, GIT_SOURCE, redactCredentials, splitUrlCredentials } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { jobSignal } from '../job-signal';
import { outputArtifactDirectory, requiredConfiguration, singleOutputArtifact } from '../job-configuration';
import type { GitCredentialsConfig } from '../../provider-config';
import { ProviderFailure } from '../provider-failure';
import type { ProcessLauncher } from '../process/process-launcher';
import type { GitContext } from './git-command';
import { isValidBranchName } from './branch-name';
import { fetchRevision, GitSession, type GitSourceRequest } from './git-session';
import { repositoryName } from './repository-name';

export interface GitSourceOptions {
  /** Time between SIGTERM and SIGKILL of a git process that is stopped. */
  killGraceMs?: number;
  /**
   * The operator's credentials (`SLUICE_GIT_USERNAME`/`SLUICE_GIT_PASSWORD`): used for a RepositoryUrl
   * without credentials of its own whose host (host:port) is one of `hosts`, never sent anywhere else.
   */
  credentials?: GitCredentialsConfig;
  /** Who starts git (this process by default). */
  launcher?: ProcessLauncher;
}

/**
 * `Source/Git`: fetches the branch head (or the pinned revision) with the git CLI — shallow unless a
 * full clone is asked for — and outputs the commit's files (`CODE_ZIP`, no `.git`) or a full clone
 * checked out on the branch at that commit (`GIT_CLONE`).
 */
export function gitSourceProvider(options: GitSourceOptions = {}): ActionProvider {
  const killGraceMs = options.killGraceMs ?? 5000;
  return {
    actionTypeId: GIT_SOURCE.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const request = readRequest(job);
      const output = singleOutputArtifact(job, 'Source/Git');
      const tree = outputArtifactDirectory(job, output.name);
      const gitDir = request.format === 'GIT_CLONE' ? join(tree, '.git') : join(job.workspace, '.git-source');
      const context: GitContext = {
        rawUrl: request.rawUrl,
        ...(options.credentials ? { operatorCredentials: options.credentials } : {}),
        signal: jobSignal(io.signal, job.timeoutMs),
        killGraceMs,
        ...(options.launcher ? { launcher: options.launcher } : {}),
        log: (stream, chunk) => io.log(stream, redactCredentials(chunk, request.rawUrl)),
      };
      const session = new GitSession(request, context, job.workspace, gitDir, job.timeoutMs);

      await mkdir(tree, { recursive: true });
      await session.init(request.format === 'GIT_CLONE' ? tree : undefined);
      if (!isValidBranchName(request.branch)) throw new ProviderFailure(`BranchName ${JSON.stringify(request.branch)} is not a valid branch name`, 'ConfigurationError');
      // A clone keeps its remote; the files of a commit are fetched from the URL itself (one process less a job).
      if (request.format === 'GIT_CLONE') await session.run(['remote', 'add', 'origin', request.url]);
      const commit = await fetchRevision(session, request);
      const checkout = request.format === 'GIT_CLONE' ? ['checkout', '-q', '-B', request.branch, commit] : ['checkout', '-q', '-f', '--detach', commit];
      // The commit's files and its description at once: `log` reads the commit by id, whatever the checkout writes.
      const [, log] = await Promise.all([session.run(['--work-tree', tree, ...checkout]), session.run(['log', '-1', '--format=%H%x00%aI%x00%B', commit], { logStderr: false })]);
      const [commitId = commit, authorDate = '', message = ''] = log.split('\0');
      const commitMessage = message.replace(/\n+$/, '');
      const subject = commitMessage.split('\n')[0] ?? '';
      return {
        outputArtifacts: [{ name: output.name, directory: tree }],
        outputVariables: {
          CommitId: commitId,
          BranchName: request.branch,
          CommitMessage: commitMessage,
          AuthorDate: authorDate,
          RepositoryName: repositoryName(request.url),
        },
        summary: `${commitId.slice(0, 12)} ${subject}`.trim(),
        sourceRevision: { revisionType: 'COMMIT_ID', revisionId: commitId, revisionSummary: subject === '' ? null : subject },
      };
    },
  };
}

function readRequest(job: ProviderJob): GitSourceRequest {
  const rawUrl = requiredConfiguration(job, 'RepositoryUrl');
  const branch = requiredConfiguration(job, 'BranchName');
  // A URL, ref or revision starting with '-' would be read by git as an option (`--upload-pack=…`).
  if (rawUrl.startsWith('-')) throw new ProviderFailure(`RepositoryUrl ${JSON.stringify(displayUrl(rawUrl))} is not a repository URL`, 'ConfigurationError');
  const pinned = job.sourceRevision?.trim() || undefined;
  if (pinned?.startsWith('-')) throw new ProviderFailure(`revision ${JSON.stringify(pinned)} is not a commit`, 'ConfigurationError');
  return { rawUrl, url: splitUrlCredentials(rawUrl).url, branch, format: outputFormat(job.configuration['OutputArtifactFormat'] ?? ''), pinned };
}

function outputFormat(value: string): GitSourceRequest['format'] {
  switch (value) {
    case '':
    case 'CODE_ZIP':
      return 'CODE_ZIP';
    case 'GIT_CLONE':
    case 'CODEBUILD_CLONE_REF':
      return 'GIT_CLONE';
    default:
      throw new ProviderFailure(`OutputArtifactFormat must be CODE_ZIP or GIT_CLONE, got ${JSON.stringify(value)}`, 'ConfigurationError');
  }
}
