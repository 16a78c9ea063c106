// What `npm start` and `npm run start:distributed` share: refuse to start without git, install what is missing (the
// npm dependencies, the job sandbox), then run the platform's entry as a child process that signals are passed to.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Node.js package.json's `engines` names (`>=20.19`: NestJS 12 is ESM-only, loaded with require()), checked first. */
function refuseOldNode(command) {
  const range = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
  const [needMajor, needMinor = 0] = /(\d+)(?:\.(\d+))?/.exec(range).slice(1).map((part) => Number(part ?? 0));
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return;
  console.error(`Sluice needs Node.js ${needMajor}.${needMinor} or newer; this is ${process.version}. Install a newer Node.js (e.g. from https://nodejs.org), then run \`${command}\` again.`);
  process.exit(1);
}

/**
 * `entry` is the platform's main file; `command` how the person started it and `gitUse` what runs git, both for the
 * message when git is missing; `beforeRun` comes once everything is installed, just before the platform starts.
 */
export function runPlatform({ entry, command, gitUse, beforeRun = () => {} }) {
  refuseOldNode(command);
  if (spawnSync('git', ['--version'], { stdio: 'ignore' }).error) {
    console.error(`Sluice needs git on the PATH (${gitUse}). Install git, e.g. \`apt-get install git\`, then run \`${command}\` again.`);
    process.exit(1);
  }
  ensureDeps();
  // Jobs' commands run in bubblewrap as an unprivileged user: install it when we can (root); the platform says loudly
  // when it cannot be had.
  if (process.env.SLUICE_SANDBOX !== 'unsandboxed') spawnSync('bash', [join(root, 'scripts/ensure-sandbox.sh')], { stdio: 'inherit' });
  beforeRun();
  // From the entry's compiled bundle (built when a source changed, decision 0058), or through tsx with SLUICE_FROM_SOURCE=1.
  const run = process.env.SLUICE_FROM_SOURCE === '1' ? ['--import', 'tsx'] : [join(root, 'platform/bin/run-compiled.mjs')];
  const child = spawn(process.execPath, [...run, join(root, entry)], { cwd: root, stdio: 'inherit' });
  // The distributed platform stops its processes on the first signal and kills them on a second one.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  // `kill <pid of npm start>`: npm passes the SIGTERM to the `sh -c` that runs this script, and the shell (dash) dies
  // of it without passing it on, which leaves this process and the platform running and holding the port. A new
  // parent means ours is gone: stop the platform as if it had been signalled.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    console.error(`${command}: its parent process ended; stopping the platform`);
    child.kill('SIGTERM');
  }, 200);
  child.on('exit', (code) => {
    clearInterval(orphaned);
    process.exit(code ?? 1);
  });
}
