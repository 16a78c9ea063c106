import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A git repository at `dir` (branch main, one commit), for a Source/Git action: returns its `file://` URL. */
export async function makeGitRepository(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'README.md'), '# distributed test\n');
  const git = (...args: string[]) => run('git', ['-c', 'user.name=Sluice test', '-c', 'user.email=test@sluice.local', ...args], { cwd: dir });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'first');
  return pathToFileURL(dir).href;
}

/**
 * Source/Git, then Build (Compile, then Test) and Deploy (Ship), each a Commands action that sleeps `sleepSeconds`:
 * long enough to kill a process while an action runs. PARALLEL, so several executions run at once.
 */
export function sleepyPipeline(name: string, repositoryUrl: string, sleepSeconds = 1): Record<string, unknown> {
  const commands = (actionName: string, category: 'Build' | 'Test' | 'Deploy', runOrder: number) => ({
    name: actionName,
    actionTypeId: { category, owner: 'Sluice', provider: 'Commands', version: '1' },
    runOrder,
    configuration: { Commands: `sleep ${sleepSeconds}` },
    inputArtifacts: [{ name: 'SourceOutput' }],
  });
  return {
    name,
    pipelineType: 'V2',
    executionMode: 'PARALLEL',
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Checkout',
            actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
            runOrder: 1,
            configuration: { RepositoryUrl: repositoryUrl, BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceOutput' }],
          },
        ],
      },
      { name: 'Build', actions: [commands('Compile', 'Build', 1), commands('Test', 'Test', 2)] },
      { name: 'Deploy', actions: [commands('Ship', 'Deploy', 1)] },
    ],
  };
}
