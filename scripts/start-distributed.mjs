// `npm run start:distributed`: installs what is missing, then runs every service as its own OS process
// (platform/src/distributed/main.ts): PostgreSQL store, Kafka bus, two engines, two workers. See docs/operations.md.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (spawnSync('git', ['--version'], { stdio: 'ignore' }).error) {
  console.error('Sluice needs git on the PATH (Git source actions use it). Install git, e.g. `apt-get install git`, then run `npm run start:distributed` again.');
  process.exit(1);
}
ensureDeps();
// Workers run jobs' commands in bubblewrap as an unprivileged user: install it when we can (root).
if (process.env.SLUICE_SANDBOX !== 'unsandboxed') spawnSync('bash', [join(root, 'scripts/ensure-sandbox.sh')], { stdio: 'inherit' });
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'platform/src/distributed/main.ts')], { cwd: root, stdio: 'inherit' });
// The child stops its processes on the first signal and kills them on a second one.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
