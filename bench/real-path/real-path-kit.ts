import { spawn } from 'node:child_process';
import { commandsAction, gitSourceStage, makeGitRepository, stage, type FixturePipeline } from '@sluice/testing/fixtures';

/** The pipeline of the user's path: a Git source, then `stages` stages of `parallel` Commands actions running `command`. */
export function realPathPipeline(name: string, repositoryUrl: string, options: { stages: number; parallel: number; command: string }): FixturePipeline {
  const actions = () => Array.from({ length: options.parallel }, (_, a) => commandsAction(`Action${a + 1}`, [options.command], { runOrder: 1, inputs: 'src' }));
  const stages = Array.from({ length: options.stages }, (_, s) => stage(`Stage${s + 1}`, ...actions()));
  return { name, stages: [gitSourceStage({ repositoryUrl, output: 'src', configuration: { DetectChanges: 'false' } }), ...stages] };
}

/** A one-commit repository of ten small files. */
export const makeRepository = (dir: string): Promise<string> => makeGitRepository(dir, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`file-${i}.txt`, `line ${i}\n`.repeat(50)])));

/** Runs a (sandbox-wrapped) command to its exit; rejects on a non-zero exit. */
export function spawnExit(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}
