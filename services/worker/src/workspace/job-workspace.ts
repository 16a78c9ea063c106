import { chmod, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from '../providers/files/remove-tree';

export interface JobWorkspaceOptions {
  /** Parent of the jobs' workspaces; default `<os tmpdir>/sluice-jobs`. */
  root?: string;
  /**
   * Takes the workspace's removal instead of waiting for it: the worker reports the job's result first and removes the
   * workspace after (a tree's removal took ~50 ms a job under load, on the path between the command and the result).
   */
  removeLater?: (remove: () => Promise<void>) => void;
}

/** A job's own folder: `inputs/<name>` for the extracted input artifacts, `work/` for the provider. */
export interface JobWorkspace {
  path: string;
  inputs: string;
  /** Empty when the provider starts: the provider's `job.workspace`. */
  work: string;
}

export async function createJobWorkspace(jobId: string, options: JobWorkspaceOptions = {}): Promise<JobWorkspace> {
  const root = options.root ?? join(tmpdir(), 'sluice-jobs');
  // Passable but not listable (0711): a sandboxed job's user reaches its own folders inside, by their names only.
  await mkdir(root, { recursive: true, mode: 0o711 });
  // What does not depend on each other is done at once: each step waits for a turn of the worker's (the platform's) loop.
  const [, path] = await Promise.all([chmod(root, 0o711).catch(() => undefined), mkdtemp(join(root, `job-${jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-`))]);
  const workspace = { path, inputs: join(path, 'inputs'), work: join(path, 'work') };
  await Promise.all([chmod(path, 0o711), mkdir(workspace.inputs, { mode: 0o711 }), mkdir(workspace.work, { mode: 0o711 })]);
  return workspace;
}

/**
 * Runs `use` with a fresh workspace and removes the workspace afterwards, whether `use` succeeded or not: before it
 * resolves, or through `removeLater` when given.
 */
export async function withJobWorkspace<T>(jobId: string, options: JobWorkspaceOptions, use: (workspace: JobWorkspace) => Promise<T>): Promise<T> {
  const workspace = await createJobWorkspace(jobId, options);
  try {
    return await use(workspace);
  } finally {
    const remove = () => removeTree(workspace.path);
    if (options.removeLater) options.removeLater(remove);
    else await remove();
  }
}
