import type { LogStream } from '../action-provider';
import { runProcessGroup } from '../process/run-process-group';
import { splitUrlCredentials } from '../url/url-credentials';

export interface GitContext {
  /** The repository URL as configured (it may carry credentials; they never reach argv, logs or messages). */
  rawUrl: string;
  signal: AbortSignal;
  killGraceMs: number;
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
    env: gitEnvironment(context.rawUrl),
    signal: context.signal,
    killGraceMs: context.killGraceMs,
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
 * credentials from the environment through a one-off credential helper, so they stay out of argv
 * (visible to every local user) and out of any config file written to disk.
 */
function gitEnvironment(rawUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GCM_INTERACTIVE: 'never' };
  for (const name of repositoryLocationVariables) delete env[name];
  for (const name of Object.keys(env)) if (/^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/.test(name)) delete env[name];
  const credentials = splitUrlCredentials(rawUrl);
  if (credentials.username === '' && credentials.password === '') return env;
  return {
    ...env,
    SLUICE_GIT_USERNAME: credentials.username,
    SLUICE_GIT_PASSWORD: credentials.password,
    GIT_CONFIG_COUNT: '2',
    // An empty helper first resets the list, so the operator's own helpers are not asked (or written to).
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: 'credential.helper',
    GIT_CONFIG_VALUE_1: `!f() { test "$1" = get && printf 'username=%s\\npassword=%s\\n' "$SLUICE_GIT_USERNAME" "$SLUICE_GIT_PASSWORD"; }; f`,
  };
}
