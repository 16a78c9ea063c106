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

/** A small workspace: an entry that imports a module of its own and a third-party package, and prints what they say. */
function smallWorkspace(): Workspace {
  mkdirSync(DIST, { recursive: true });
  const root = mkdtempSync(join(DIST, '.builder-test-'));
  mkdirSync(join(root, 'src', 'parts'), { recursive: true });
  const message = join(root, 'src', 'parts', 'message.ts');
  writeFileSync(message, `export const where = __dirname;\nexport const greeting: string = 'first';\n`);
  writeFileSync(join(root, 'src', 'main.ts'), `import { stringify } from 'yaml';\nimport { greeting, where } from './parts/message';\nconsole.log(JSON.stringify({ greeting, where, yaml: stringify({ a: 1 }).trim() }));\n`);
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
const run = (bundle: string) => JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })) as { greeting: string; where: string; yaml: string };

describe('the platform build (platform/scripts/build.mjs)', () => {
  let workspace: Workspace;
  beforeEach(() => (workspace = smallWorkspace()));
  afterEach(() => rmSync(workspace.root, { recursive: true, force: true }));

  it('compiles an entry into one CommonJS file that runs in Node alone; modules keep their own __dirname, third-party packages stay in node_modules', async () => {
    const { value: bundle, stderr } = await build(workspace);

    expect(bundle).toBe(join(workspace.root, 'dist', 'src', 'main.cjs'));
    expect(stderr).toMatch(/^platform: compiled src\/main\.ts to dist\/src\/main\.cjs in \d+ ms\n$/);
    expect(run(bundle)).toEqual({ greeting: 'first', where: join(workspace.root, 'src', 'parts'), yaml: 'a: 1' });
    expect(readFileSync(bundle, 'utf8')).toContain('require("yaml")');
    expect(await fresh(workspace)).toBe(true);
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
