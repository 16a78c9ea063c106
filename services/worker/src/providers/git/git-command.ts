import { gitCredentialEnvironment, type GitHostCredentials } from '@sluice/domain';
import type { LogStream } from '../action-provider';
import type { ProcessLauncher } from '../process/process-launcher';
import { runProcessGroup } from '../process/run-process-group';

export interface GitContext {
  /** The repository URL as configured (it may carry credentials; they never reach argv, logs or messages). */
  rawUrl: string;
  /** The operator's credentials, sent only to their hosts and only for a URL without its own. */
  operatorCredentials?: GitHostCredentials;
  signal: AbortSignal;
  killGraceMs: number;
  /** Who starts git (this process by default). */
  launcher?: ProcessLauncher;
  /** Git's progress and errors, already redacted, as they come. */
  log(stream: LogStream, chunk: string): void;
}

export type GitOutcome = { status: 'ok'; stdout: string; stderr: string } | { status: 'failed'; exitCode: number | null; stderr: string } | { status: 'aborted' };

/** Variables that would point git at another repository than the one we name. */
const repositoryLocationVariables = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

/** Runs `git args…` in its own process group; stdout is kept, stderr is kept and logged. */
export async function git(args: string[], cwd: string, context: GitContext, options: { logStderr?: boolean } = {}): Promise<GitOutcome> {
  let stdout = '';
  let stderr = '';
  const outcome = await runProcessGroup({
    command: 'git',
    args,
    cwd,
    env: gitEnvironment(context.rawUrl, context.operatorCredentials),
    signal: context.signal,
    killGraceMs: context.killGraceMs,
    launcher: context.launcher,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk;
      else {
        stderr += chunk;
        if (options.logStderr !== false) context.log('stderr', chunk);
      }
    },
  });
  if (outcome.status === 'aborted') return { status: 'aborted' };
  if (outcome.status === 'exited' && outcome.exitCode === 0) return { status: 'ok', stdout, stderr };
  return { status: 'failed', exitCode: outcome.status === 'exited' ? outcome.exitCode : null, stderr };
}

/**
 * Git never prompts (a prompt would hang the job), speaks English (its messages are parsed), and gets
 * credentials — the URL's own, else the operator's for a listed host — from the environment through a
 * one-off credential helper (`gitCredentialEnvironment`), never from argv or a file.
 */
export function gitEnvironment(rawUrl: string, operatorCredentials?: GitHostCredentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GCM_INTERACTIVE: 'never' };
  for (const name of repositoryLocationVariables) delete env[name];
  return gitCredentialEnvironment(env, rawUrl, operatorCredentials);
}
