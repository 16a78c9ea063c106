import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

// The platform's builder (build.mjs, ESM) in its own Node process, as run-compiled.mjs runs it: jest cannot import ESM.
const BUILDER = pathToFileURL(join(__dirname, 'build.mjs')).href;
// Inside the workspace (platform/dist/ is ignored by git) so the bundle finds third-party packages in node_modules.
const DIST = join(__dirname, '..', 'dist');

interface Workspace {
  root: string;
  entry: string;
  message: string;
}

/**
 * A small workspace: an entry that imports a module of its own and two third-party packages, and prints what they say.
 * `lazy-os` is a package of its own (in the workspace's node_modules) whose function loads a Node.js module with
 * `import()`, as the OTLP exporter loads its HTTP agent.
 */
function smallWorkspace(): Workspace {
  mkdirSync(DIST, { recursive: true });
  const root = mkdtempSync(join(DIST, '.builder-test-'));
  mkdirSync(join(root, 'src', 'parts'), { recursive: true });
  const message = join(root, 'src', 'parts', 'message.ts');
  writeFileSync(message, `export const where = __dirname;\nexport const greeting: string = 'first';\n`);
  const lazy = join(root, 'node_modules', 'lazy-os');
  mkdirSync(lazy, { recursive: true });
  writeFileSync(join(lazy, 'package.json'), JSON.stringify({ name: 'lazy-os', version: '1.0.0', main: 'index.js' }));
  // What npm writes at each install (the builder names its vendor file by it).
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: { 'node_modules/lazy-os': { version: '1.0.0' } } }));
  writeFileSync(join(lazy, 'index.js'), `exports.eol = () => import('node:os').then((os) => JSON.stringify(os.EOL));\nexports.home = __dirname;\n`);
  writeFileSync(
    join(root, 'src', 'main.ts'),
    `import { stringify } from 'yaml';\nimport { eol, home } from 'lazy-os';\nimport { greeting, where } from './parts/message';\nvoid eol().then((newline) => console.log(JSON.stringify({ greeting, where, yaml: stringify({ a: 1 }).trim(), newline, lazyHome: home, yamlFile: require.resolve('yaml') })));\n`,
  );
  return { root, entry: join(root, 'src', 'main.ts'), message };
}

/** Runs `call` (an expression on the builder's exports `b`, `where` and `entry`) in a new Node process; its JSON value. */
async function inBuilder<T>(workspace: Workspace, call: string): Promise<{ value: T; stderr: string }> {
  const where = { root: workspace.root, dist: join(workspace.root, 'dist') };
  const script = `const b = await import(${JSON.stringify(BUILDER)}); const where = ${JSON.stringify(where)}; const entry = ${JSON.stringify(workspace.entry)};
process.stdout.write(JSON.stringify(await (${call})));`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { value: JSON.parse(stdout) as T, stderr };
}

const build = (workspace: Workspace) => inBuilder<string>(workspace, 'b.ensureBuilt(entry, (line) => process.stderr.write(line + "\\n"), where)');
const fresh = async (workspace: Workspace) => (await inBuilder<boolean>(workspace, 'b.isFresh(entry, where)')).value;
const run = (bundle: string) => JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })) as { greeting: string; where: string; yaml: string; newline: string; lazyHome: string; yamlFile: string };
const vendorFiles = (workspace: Workspace) => readdirSync(join(workspace.root, 'dist', 'vendor')).sort();

describe('the platform build (platform/scripts/build.mjs)', () => {
  let workspace: Workspace;
  beforeEach(() => (workspace = smallWorkspace()));
  afterEach(() => rmSync(workspace.root, { recursive: true, force: true }));

  it('compiles an entry into one CommonJS file that runs in Node alone; modules keep their own __dirname, third-party packages run as require() resolves them', async () => {
    const { value: bundle, stderr } = await build(workspace);

    expect(bundle).toBe(join(workspace.root, 'dist', 'src', 'main.cjs'));
    expect(stderr).toMatch(/^platform: compiled src\/main\.ts to dist\/src\/main\.cjs in \d+ ms\n$/);
    const yamlFile = require.resolve('yaml');
    const expected = { greeting: 'first', where: join(workspace.root, 'src', 'parts'), yaml: 'a: 1', newline: JSON.stringify('\n'), lazyHome: join(workspace.root, 'node_modules', 'lazy-os'), yamlFile };
    expect(run(bundle)).toEqual(expected);
    expect(await fresh(workspace)).toBe(true);
  });

  it('puts the third-party code in a vendor file with a code cache: a start after the first reads the cache, and still loads import() and require.resolve() as from node_modules', async () => {
    const { value: bundle } = await build(workspace);
    const code = readFileSync(bundle, 'utf8');
    // The workspace's code asks the vendor for the file require() resolves to; require.resolve() stays as it was.
    expect(code).toContain(`require("sluice-vendor:${require.resolve('yaml')}")`);
    expect(code).toContain(`require("sluice-vendor:${join(workspace.root, 'node_modules', 'lazy-os', 'index.js')}")`);
    expect(code).toContain('require.resolve("yaml")');
    expect(code).not.toMatch(/require\("yaml"\)/);
    const [vendor, ...others] = vendorFiles(workspace);
    expect(others).toEqual([]);
    expect(vendor).toMatch(/^vendor-[0-9a-f]{16}\.cjs$/);

    // The first run writes the cache as it exits; the second is compiled from it (a dynamic import() inside the vendor
    // failed only then: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
    const first = run(bundle);
    expect(vendorFiles(workspace)).toEqual([vendor, `${vendor}.v8cache`]);
    const cache = readFileSync(join(workspace.root, 'dist', 'vendor', `${vendor}.v8cache`));
    expect(cache.length).toBeGreaterThan(0);
    expect(run(bundle)).toEqual(first);
    expect(readFileSync(join(workspace.root, 'dist', 'vendor', `${vendor}.v8cache`)).equals(cache)).toBe(true);

    // A cache V8 refuses (another Node.js, or damaged): the run compiles the vendor itself and writes a new one.
    writeFileSync(join(workspace.root, 'dist', 'vendor', `${vendor}.v8cache`), Buffer.from('not a code cache'));
    expect(run(bundle)).toEqual(first);
    expect(readFileSync(join(workspace.root, 'dist', 'vendor', `${vendor}.v8cache`)).length).toBeGreaterThan(100);
  });

  it('makes a new vendor file when npm installed something else, and the bundle is stale until then', async () => {
    const { value: bundle } = await build(workspace);
    const [before] = vendorFiles(workspace);
    const lock = join(workspace.root, 'node_modules', '.package-lock.json');
    writeFileSync(lock, JSON.stringify({ packages: { 'node_modules/lazy-os': { version: '1.0.1' } } }));
    const later = new Date(Date.now() + 2_000);
    utimesSync(lock, later, later);
    expect(await fresh(workspace)).toBe(false);
    const again = await build(workspace);
    expect(again.value).toBe(bundle);
    const after = vendorFiles(workspace).filter((file) => file.endsWith('.cjs'));
    expect(after).toContain(before);
    expect(after).toHaveLength(2);
    expect(readFileSync(bundle, 'utf8')).toContain(after.find((file) => file !== before));

    // The one no bundle names is removed by a later build once it is ten minutes old.
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(join(workspace.root, 'dist', 'vendor', before!), old, old);
    writeFileSync(workspace.message, `export const where = __dirname;\nexport const greeting: string = 'pruned';\n`);
    const newer = new Date(Date.now() + 4_000);
    utimesSync(workspace.message, newer, newer);
    expect(run((await build(workspace)).value)).toMatchObject({ greeting: 'pruned' });
    expect(vendorFiles(workspace).filter((file) => file.endsWith('.cjs'))).toEqual(after.filter((file) => file !== before));
  });

  it('is stale once one of its sources changed after the build, and the next call builds it again with the change', async () => {
    const { value: bundle } = await build(workspace);
    writeFileSync(workspace.message, `export const where = __dirname;\nexport const greeting: string = 'second';\n`);
    // A second later than the build whatever the file system's mtime resolution.
    const later = new Date(Date.now() + 2_000);
    utimesSync(workspace.message, later, later);

    expect(await fresh(workspace)).toBe(false);
    const again = await build(workspace);
    expect(again.stderr).toContain('platform: compiled');
    expect(run(again.value)).toMatchObject({ greeting: 'second' });
    expect(again.value).toBe(bundle);
  });

  it('is stale when a source it was built from is gone', async () => {
    await build(workspace);
    rmSync(workspace.message);

    expect(await fresh(workspace)).toBe(false);
  });

  it('builds once when two processes ask at the same moment, and both get the complete bundle', async () => {
    const [first, second] = await Promise.all([build(workspace), build(workspace)]);

    expect(`${first.stderr}${second.stderr}`.match(/platform: compiled/g)).toHaveLength(1);
    expect(first.value).toBe(second.value);
    expect(run(first.value)).toMatchObject({ greeting: 'first' });
    // Nothing left aside: no temporary file, no lock.
    expect(readdirSync(join(workspace.root, 'dist', 'src')).sort()).toEqual(['main.cjs', 'main.cjs.inputs.json', 'main.cjs.map']);
    expect(vendorFiles(workspace).filter((file) => file.endsWith('.cjs'))).toHaveLength(1);
  });

  it('takes over at once a lock whose holder is gone (a build stopped with Ctrl-C), and waits for a live holder', async () => {
    const lock = join(workspace.root, 'dist', 'src', 'main.cjs.lock');
    mkdirSync(lock, { recursive: true });
    // The pid of a process that has exited.
    writeFileSync(join(lock, 'pid'), String(spawnSync(process.execPath, ['-e', '']).pid));
    const started = Date.now();
    const { value: bundle, stderr } = await build(workspace);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toContain('platform: compiled');
    expect(run(bundle)).toMatchObject({ greeting: 'first' });

    // A live holder (this process): the builder waits, and builds once it is released.
    writeFileSync(workspace.message, `export const where = __dirname;\nexport const greeting: string = 'third';\n`);
    const later = new Date(Date.now() + 2_000);
    utimesSync(workspace.message, later, later);
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    let done = false;
    const waiting = build(workspace).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(done).toBe(false);
    rmSync(lock, { recursive: true });
    expect(run((await waiting).value)).toMatchObject({ greeting: 'third' });
  });

  it('refuses an entry outside its workspace or not TypeScript, naming it', async () => {
    await expect(inBuilder(workspace, `b.ensureBuilt('/etc/passwd', undefined, where)`)).rejects.toThrow(/entry must be a \.ts file in .*, got \/etc\/passwd/);
  });
});
