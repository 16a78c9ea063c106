// `npm start`: installs what is missing, then runs the platform (embedded mode by default).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './build-web.mjs';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The demo pipeline's repository and the built-in Git source action both run the git CLI.
if (spawnSync('git', ['--version'], { stdio: 'ignore' }).error) {
  console.error('Sluice needs git on the PATH (the demo repository and Git source actions use it). Install git, e.g. `apt-get install git`, then run `npm start` again.');
  process.exit(1);
}
ensureDeps();
// Jobs' commands run in bubblewrap as an unprivileged user: install it when we can (root); the platform says loudly when it cannot be had.
if (process.env.SLUICE_SANDBOX !== 'unsandboxed') spawnSync('bash', [join(root, 'scripts/ensure-sandbox.sh')], { stdio: 'inherit' });
// The gateway serves the dashboard from web/dist (SLUICE_WEB_DIR overrides): build it when missing or stale.
if (!process.env.SLUICE_WEB_DIR) ensureWebBuild();
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'platform/src/embedded/main.ts')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
