// Builds the dashboard (web/ → web/dist) when the build is missing or older than its sources, so that
// `npm start` and the browser tests serve the dashboard as it is in the tree. `vite build` takes seconds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');
// Everything a build reads besides node_modules: the editor bundles the domain's validator and diff.
const sources = [...['src', 'index.html', 'vite.config.ts', 'package.json', 'public'].map((name) => join(web, name)), join(root, 'libs', 'domain', 'src')];

function newestIn(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestIn(join(path, name))));
}

/** True when it built. */
export function ensureWebBuild({ quiet = false } = {}) {
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestIn))) return false;
  if (!quiet) console.log('Building the dashboard (npm run build -w @sluice/web)…');
  const started = Date.now();
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: web, stdio: quiet ? 'pipe' : 'inherit' });
  if (!quiet) console.log(`Dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureWebBuild();
