import { execFile } from 'node:child_process';
import { redactRepositoryUrl } from '../planning/repository-url';

/** The branch and tag heads of a repository: full ref name → commit id (tags peeled to their commit). */
export type LsRemote = (repositoryUrl: string) => Promise<Map<string, string>>;

const LS_REMOTE_TIMEOUT_MS = 30_000;

/** `git ls-remote --heads --tags -- <url>`: no shell, no prompt, and the URL's credentials kept out of errors. */
export const gitLsRemote: LsRemote = (repositoryUrl) =>
  new Promise((resolve, reject) => {
    execFile(
      'git',
      ['ls-remote', '--heads', '--tags', '--', repositoryUrl],
      { timeout: LS_REMOTE_TIMEOUT_MS, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || error.message).trim().split(repositoryUrl).join(redactRepositoryUrl(repositoryUrl));
          reject(new Error(`git ls-remote ${redactRepositoryUrl(repositoryUrl)} failed: ${detail.replace(/\/\/[^/@\s]*@/g, '//***@')}`));
          return;
        }
        resolve(parseLsRemote(stdout));
      },
    );
  });

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
