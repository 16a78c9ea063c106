// Installs the npm dependencies when they are missing or older than package-lock.json, so that
// `npm test` and `npm start` work on a fresh clone with no other step.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDeps() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  console.log('Installing npm dependencies (npm ci)…');
  const started = Date.now();
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  console.log(`npm dependencies installed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDeps();
