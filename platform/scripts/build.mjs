// Compiles an entry of the platform (a TypeScript file of the workspace: npm start's main, a distributed process's
// main, the test entry) into one CommonJS file under platform/dist/, so the process starts in Node alone instead of
// compiling every module through tsx at each start (issue 18; decision 0058). The workspace's own packages are in the
// bundle (they resolve to TypeScript sources); third-party packages stay in node_modules. platform/bin/run-compiled.mjs
// runs an entry through this, building it first when any of its sources is newer than the bundle.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
export const ROOT = resolve(dirname(SELF), '..', '..');
export const DIST = join(ROOT, 'platform', 'dist');
/** Files the bundle depends on besides its sources: the compiler's settings (decorators) and how it is built. */
const BUILD_INPUTS = [SELF, join(ROOT, 'tsconfig.base.json')];
/** A lock older than this was left by a build that died, whoever has its pid now. Far above a build's 1–3 s. */
const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = 120_000;

/**
 * Where `entry`'s bundle goes: the entry's path in `root` (the workspace), under `dist` (platform/dist/), ending in
 * .cjs. Both are options only for the builder's own test, which builds a small entry of its own.
 */
export function outputsOf(entry, { root = ROOT, dist = DIST } = {}) {
  const path = relative(root, resolve(root, entry));
  if (path.startsWith('..') || !path.endsWith('.ts')) throw new Error(`platform build: entry must be a .ts file in ${root}, got ${entry}`);
  const bundle = join(dist, path.replace(/\.ts$/, '.cjs'));
  return { bundle, meta: `${bundle}.inputs.json`, lock: `${bundle}.lock` };
}

/** The bundle is fresh when it exists and no file it was built from changed (or vanished) since the build began. */
export function isFresh(entry, where) {
  const { bundle, meta } = outputsOf(entry, where);
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(meta, 'utf8'));
    statSync(bundle);
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/**
 * Non-relative imports that are not the workspace's own packages stay outside the bundle (third-party code loads from
 * node_modules as it does under tsx; NestJS 12 is ESM-only and Node ≥ 20.19 require()s it).
 */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@sluice/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Each module keeps its own `__dirname` and `__filename` (its source file's), as under tsx: the code finds files beside
 * its sources (web/dist, the job launcher's main) whether it runs from source or from the bundle.
 */
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const header = `const __dirname = ${JSON.stringify(dirname(args.path))}; const __filename = ${JSON.stringify(args.path)};\n`;
      return { contents: header + source, loader: 'ts' };
    });
  },
};

/** One build of `entry` into its outputs, written aside and renamed so a reader never sees a half-written bundle. */
async function compile(entry, where) {
  const { build } = await import('esbuild');
  const root = where?.root ?? ROOT;
  const { bundle, meta } = outputsOf(entry, where);
  mkdirSync(dirname(bundle), { recursive: true });
  const aside = `${bundle}.${process.pid}.tmp`;
  const builtAt = Date.now();
  const result = await build({
    entryPoints: [resolve(root, entry)],
    outfile: aside,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Scope hoisting renames clashing top-level names (two `Config` classes become Config and Config2); Nest and GraphQL
    // read class names, so each keeps its own.
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
    plugins: [thirdPartyExternal, sourceLocation],
  });
  const inputs = [...Object.keys(result.metafile.inputs).map((input) => resolve(root, input)), ...BUILD_INPUTS];
  // The map names its bundle: renamed first, then the bundle, then the list of inputs that makes the pair fresh.
  renameSync(`${aside}.map`, `${bundle}.map`);
  renameSync(aside, bundle);
  writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify({ builtAt, inputs }));
  renameSync(`${meta}.${process.pid}.tmp`, meta);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Holds `lock` (a folder: mkdir is atomic; the holder's pid inside) while `work` runs; waits for another process that
 * holds it, and takes over a lock whose holder is gone (Ctrl-C during the first `npm start`'s build).
 */
async function withLock(lock, work) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (isAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`platform build: ${lock} is still held after ${LOCK_WAIT_MS / 1000} s; remove it if no build runs`);
      else await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The lock's holder has exited, or the lock is older than any build (its holder died and the pid was reused). */
function isAbandoned(lock) {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
  } catch {
    // Released meanwhile: the next mkdir takes it.
    return false;
  }
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return false;
  } catch (error) {
    // No such process: gone. No pid yet (just taken), or another user's process: held.
    return error.code === 'ESRCH';
  }
}

/**
 * `entry`'s bundle, built when stale; built once when several processes ask at the same moment (the others wait for
 * it). `say` gets the one line a build prints; `where` ({ root, dist }) is for the builder's test.
 */
export async function ensureBuilt(entry, say = (line) => process.stderr.write(`${line}\n`), where = undefined) {
  const root = where?.root ?? ROOT;
  const { bundle, lock } = outputsOf(entry, where);
  if (isFresh(entry, where)) return bundle;
  mkdirSync(dirname(bundle), { recursive: true });
  await withLock(lock, async () => {
    // Another process may have built it while this one waited.
    if (isFresh(entry, where)) return;
    const started = Date.now();
    await compile(entry, where);
    say(`platform: compiled ${relative(root, resolve(root, entry))} to ${relative(root, bundle)} in ${Date.now() - started} ms`);
  });
  return bundle;
}

if (process.argv[1] === SELF) {
  const entries = process.argv.slice(2);
  if (entries.length === 0) {
    console.error('usage: node platform/scripts/build.mjs <entry.ts>… (e.g. platform/src/embedded/main.ts)');
    process.exit(2);
  }
  for (const entry of entries) await ensureBuilt(entry);
}
