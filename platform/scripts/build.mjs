// Compiles an entry of the platform (a TypeScript file of the workspace: npm start's main, a distributed process's
// main, the test entry) into one CommonJS file under platform/dist/, so the process starts in Node alone instead of
// compiling every module through tsx at each start (issue 18; decision 0058). The workspace's own packages are in the
// bundle (they resolve to TypeScript sources); third-party packages are in a vendor file beside it, loaded with V8's
// code cache (decision 0063; SLUICE_VENDOR=0 leaves them in node_modules). platform/bin/run-compiled.mjs runs an entry
// through this, building it first when any of its sources is newer than the bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
export const ROOT = resolve(dirname(SELF), '..', '..');
export const DIST = join(ROOT, 'platform', 'dist');
/** The bundle's loader of its third-party code (decision 0063). */
const VENDOR_LOADER = join(ROOT, 'platform', 'bin', 'vendor-loader.cjs');
const VENDOR_PREFIX = 'sluice-vendor:';
/**
 * Files the bundle depends on besides its sources: the compiler's settings (decorators), how it is built and loaded,
 * and what npm installed (a changed node_modules makes another vendor file).
 */
const buildInputs = (root) => [SELF, VENDOR_LOADER, join(ROOT, 'tsconfig.base.json'), join(root, 'node_modules', '.package-lock.json')];
/**
 * Third-party packages left in node_modules rather than put in the vendor file: they find files of their own beside
 * their code at run time (PGlite's wasm and data, pino's transports in worker threads, the KurrentDB client's gRPC),
 * or are tooling that the platform names by path (tsx, esbuild, Playwright, SWC).
 */
const NOT_VENDORED = /^(@electric-sql\/pglite|pino|pino-[^/]+|thread-stream|sonic-boom|@kurrent\/[^/]+|@grpc\/[^/]+|esbuild|tsx|playwright-core|@swc\/[^/]+)(\/|$)/;
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

/**
 * Where the builds go: platform/dist/, or with SLUICE_VENDOR=0 (third-party code loaded from node_modules by each
 * require, as before decision 0063: to compare, or if a package misbehaves in the vendor file) platform/dist/without-vendor/.
 */
function defaultWhere(env = process.env) {
  return env.SLUICE_VENDOR === '0' ? { root: ROOT, dist: join(DIST, 'without-vendor'), vendor: false } : { root: ROOT, dist: DIST, vendor: true };
}

/** The bundle is fresh when it exists and no file it was built from changed (or vanished) since the build began. */
export function isFresh(entry, where) {
  const { bundle, meta } = outputsOf(entry, where);
  try {
    const { builtAt, inputs, vendor } = JSON.parse(readFileSync(meta, 'utf8'));
    statSync(bundle);
    if (vendor) statSync(vendor);
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/**
 * What the workspace's bundle and the vendor file are alike: one CommonJS file for Node 20. Scope hoisting renames
 * clashing top-level names (two `Config` classes become Config and Config2); Nest and GraphQL read class names, so
 * each keeps its own.
 */
const BUNDLE = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', keepNames: true };

/** The package a bare import names (`@nestjs/core` of `@nestjs/core/injector`), and whether it is in node_modules at all. */
function packageName(specifier) {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}
function installed(specifier, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', packageName(specifier), 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * What a bare import resolves to as Node's require() resolves it (one copy of each package, as at run time before
 * the vendor file): `{ file }`, `{ missing: true }` for an optional package not installed (Nest's class-validator),
 * or `{ esm: true }` for a package that require() cannot resolve (esbuild's own resolution takes it).
 */
function resolveLikeNode(specifier, fromDir) {
  try {
    const file = createRequire(join(fromDir, 'noop.js')).resolve(specifier);
    return isAbsolute(file) ? { file } : { missing: true };
  } catch {
    return installed(specifier, fromDir) ? { esm: true } : { missing: true };
  }
}

/**
 * The workspace's bundle: its own packages (@sluice/*) in it; a third-party import becomes
 * `require("sluice-vendor:<the file it resolves to>")`, which the vendor file answers (`vendored` collects them); a
 * Node.js built-in, a package kept in node_modules (NOT_VENDORED) or one not installed stays a plain require.
 */
function workspaceImports(vendored, vendoring) {
  return {
    name: 'workspace-imports',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@sluice/')) return undefined;
        // require.resolve() asks for the file in node_modules (to spawn it, say), not for the vendor's copy.
        if (!vendoring || isBuiltin(args.path) || NOT_VENDORED.test(args.path) || args.kind === 'require-resolve') return { path: args.path, external: true };
        const resolved = resolveLikeNode(args.path, args.resolveDir);
        if (!resolved.file) return { path: args.path, external: true };
        vendored.add(resolved.file);
        return { path: `${VENDOR_PREFIX}${resolved.file}`, external: true };
      });
    },
  };
}

/** The vendor file's bare imports, resolved as the workspace's are; what is not installed stays a require that throws when reached. */
const vendorImports = {
  name: 'vendor-imports',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path) || NOT_VENDORED.test(args.path)) return { path: args.path, external: true };
      const resolved = resolveLikeNode(args.path, args.resolveDir);
      if (resolved.missing) return { path: args.path, external: true };
      return resolved.file ? { path: resolved.file } : undefined;
    });
  },
};

/**
 * A third-party file in the vendor keeps its own location: `import.meta.url` (an ES module's, undefined once bundled
 * into CommonJS), `__dirname` and `__filename` name the file in node_modules, so what a package reads beside its code
 * (a landing page, a schema) is found there.
 */
const vendorLocation = {
  name: 'vendor-location',
  setup(build) {
    build.onLoad({ filter: /\/node_modules\/.*\.(js|mjs|cjs)$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      const meta = /\bimport\.meta\.(url|dirname|filename)\b/.test(source);
      const own = /\b__(dirname|filename)\b/.test(source) && !/\b(const|let|var)\s+__(dirname|filename)\b/.test(source);
      if (!meta && !own) return undefined;
      if (meta) {
        source = source
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      }
      if (own) source = `var __dirname = ${JSON.stringify(dirname(args.path))}; var __filename = ${JSON.stringify(args.path)};\n${source}`;
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * The vendor file of a set of third-party files: `module.exports = { "<file>": () => require("<file>"), … }`, each
 * loaded when first asked for. Named by a hash of the set, the lock file npm wrote and this builder, so bundles that
 * need the same packages share one, and a new install makes a new one. Built aside and renamed.
 */
async function buildVendor(build, files, root, dist) {
  const sorted = [...files].sort();
  const lockFile = join(root, 'node_modules', '.package-lock.json');
  const hash = createHash('sha256')
    .update(JSON.stringify(sorted))
    .update(existsSync(lockFile) ? readFileSync(lockFile) : '')
    .update(readFileSync(SELF))
    .digest('hex')
    .slice(0, 16);
  const vendor = join(dist, 'vendor', `vendor-${hash}.cjs`);
  if (existsSync(vendor)) return vendor;
  mkdirSync(dirname(vendor), { recursive: true });
  const aside = `${vendor}.${process.pid}.tmp`;
  await build({
    stdin: { contents: `module.exports = {\n${sorted.map((file) => `  ${JSON.stringify(file)}: () => require(${JSON.stringify(file)}),`).join('\n')}\n};\n`, resolveDir: root, sourcefile: 'vendor.cjs', loader: 'js' },
    outfile: aside,
    ...BUNDLE,
    // import() becomes a require() in a promise: the vendor runs as a vm.Script, which has no dynamic import() of its
    // own once compiled from V8's code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING: the OTLP exporter's agent).
    supported: { 'dynamic-import': false },
    logLevel: 'error',
    absWorkingDir: root,
    plugins: [vendorImports, vendorLocation],
  });
  renameSync(aside, vendor);
  return vendor;
}

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

/**
 * One build of `entry` into its outputs, written aside and renamed so a reader never sees a half-written bundle: the
 * workspace's code (with a source map: stack traces name the TypeScript) and its third-party code in a vendor file.
 */
async function compile(entry, where) {
  const { build } = await import('esbuild');
  const root = where?.root ?? ROOT;
  const dist = where?.dist ?? DIST;
  const { bundle, meta } = outputsOf(entry, where);
  mkdirSync(dirname(bundle), { recursive: true });
  const aside = `${bundle}.${process.pid}.tmp`;
  const builtAt = Date.now();
  const vendored = new Set();
  const result = await build({
    entryPoints: [resolve(root, entry)],
    outfile: aside,
    ...BUNDLE,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
    plugins: [workspaceImports(vendored, where?.vendor !== false), sourceLocation],
  });
  const vendor = vendored.size > 0 ? await buildVendor(build, vendored, root, dist) : undefined;
  if (vendor) {
    // The loader goes first (after a "use strict" directive, which must stay first): the bundle's third-party requires
    // need it. On the first line, so the source map's lines still match.
    const code = readFileSync(aside, 'utf8');
    const directive = /^(#![^\n]*\n)?("use strict";)?/.exec(code)[0];
    writeFileSync(aside, `${directive}require(${JSON.stringify(VENDOR_LOADER)}).install(${JSON.stringify(vendor)});${code.slice(directive.length)}`);
  }
  const inputs = [...Object.keys(result.metafile.inputs).map((input) => resolve(root, input)), ...buildInputs(root).filter((input) => existsSync(input))];
  // The map names its bundle: renamed first, then the bundle, then the list of inputs that makes the pair fresh.
  renameSync(`${aside}.map`, `${bundle}.map`);
  renameSync(aside, bundle);
  writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify({ builtAt, inputs, vendor }));
  renameSync(`${meta}.${process.pid}.tmp`, meta);
  pruneVendors(dist);
}

/** A vendor file no bundle names any more is removed this long after it was made (a build at that moment may be about to name it). */
const UNUSED_VENDOR_MS = 10 * 60_000;

/**
 * Removes the vendor files (and their caches) that no bundle's list of inputs names: each new install or builder
 * leaves one behind, 5–20 MB each. A process that loaded one has read it whole already.
 */
function pruneVendors(dist) {
  const named = new Set();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.inputs.json')) {
        try {
          const { vendor } = JSON.parse(readFileSync(path, 'utf8'));
          if (vendor) named.add(vendor);
        } catch {
          // Being replaced this moment: its vendor is recent, so the age rule keeps it.
        }
      }
    }
  };
  try {
    visit(dist);
    const vendors = join(dist, 'vendor');
    for (const name of readdirSync(vendors)) {
      const file = join(vendors, name);
      if (!/^vendor-[0-9a-f]{16}\.cjs$/.test(name) || named.has(file)) continue;
      if (Date.now() - statSync(file).mtimeMs < UNUSED_VENDOR_MS) continue;
      rmSync(file, { force: true });
      rmSync(`${file}.v8cache`, { force: true });
    }
  } catch {
    // Pruning is housekeeping: a failure leaves files behind and nothing else.
  }
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
export async function ensureBuilt(entry, say = (line) => process.stderr.write(`${line}\n`), where = defaultWhere()) {
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
