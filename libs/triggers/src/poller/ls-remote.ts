import { execFile } from 'node:child_process';
import { displayUrl, gitCredentialEnvironment, redactCredentials, splitUrlCredentials, type GitHostCredentials } from '@sluice/domain';

/** The branch and tag heads of a repository: full ref name → commit id (tags peeled to their commit). */
export type LsRemote = (repositoryUrl: string) => Promise<Map<string, string>>;

export interface LsRemoteOptions {
  /** The operator's credentials: sent for a URL without its own whose host (host:port) is listed, never elsewhere. */
  credentials?: GitHostCredentials;
}

const LS_REMOTE_TIMEOUT_MS = 30_000;

/**
 * `git ls-remote --heads --tags -- <url>`: no shell, no prompt, and credentials (the URL's own, else the
 * operator's for a listed host) given through a one-off credential helper, kept out of argv and errors.
 */
export function gitLsRemote(repositoryUrl: string, options: LsRemoteOptions = {}): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const env = { ...gitCredentialEnvironment(process.env, repositoryUrl, options.credentials), GIT_TERMINAL_PROMPT: '0' };
    execFile(
      'git',
      ['ls-remote', '--heads', '--tags', '--', splitUrlCredentials(repositoryUrl).url],
      { timeout: LS_REMOTE_TIMEOUT_MS, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = redactCredentials((stderr || error.message).trim(), repositoryUrl);
          reject(new Error(`git ls-remote ${displayUrl(repositoryUrl)} failed: ${detail}`));
          return;
        }
        resolve(parseLsRemote(stdout));
      },
    );
  });
}

export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [commit, ref] = line.split('\t');
    if (!commit || !ref) continue;
    // `refs/tags/v1^{}` is the commit an annotated tag points at: the one a pipeline builds.
    if (ref.endsWith('^{}')) refs.set(ref.slice(0, -3), commit);
    else if (!refs.has(ref)) refs.set(ref, commit);
  }
  return refs;
}
