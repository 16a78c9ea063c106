import { execFile } from 'node:child_process';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tiny shell project: `build.sh` writes `dist/`, `test.sh` checks it. Small enough to read in the dashboard's logs. */
const FILES: Record<string, { text: string; executable?: boolean }> = {
  'README.md': { text: '# Sluice demo\n\nA shell project the demo pipeline builds, tests and deploys. Edit `greeting.txt`, commit, and run the pipeline again.\n' },
  'greeting.txt': { text: 'Hello from the Sluice demo pipeline!\n' },
  'build.sh': {
    executable: true,
    text: [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'mkdir -p dist',
      'printf \'<!doctype html>\\n<title>Sluice demo</title>\\n<h1>%s</h1>\\n\' "$(cat greeting.txt)" > dist/index.html',
      'echo "built dist/index.html"',
      '',
    ].join('\n'),
  },
  'test.sh': {
    executable: true,
    text: [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      './build.sh',
      'grep -q "Hello" dist/index.html',
      'echo "1 test passed"',
      '',
    ].join('\n'),
  },
};

const exists = (path: string) => access(path).then(() => true, () => false);

/** Makes the demo's git repository at `dir` (branch main, one commit), unless a previous start already did. */
export async function createDemoRepository(dir: string): Promise<void> {
  if (await exists(join(dir, '.git'))) return;
  await mkdir(dir, { recursive: true });
  for (const [name, file] of Object.entries(FILES)) {
    await writeFile(join(dir, name), file.text);
    if (file.executable) await chmod(join(dir, name), 0o755);
  }
  // The identity is the repository's own, so a machine without a global git identity can still commit.
  const git = (...args: string[]) => run('git', ['-c', 'user.name=Sluice demo', '-c', 'user.email=demo@sluice.local', ...args], { cwd: dir });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'The Sluice demo project');
}
