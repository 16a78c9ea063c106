import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm start` itself, as a person runs it, then `kill <its pid>`: the platform must stop and free its port (issue 22).
const ROOT = join(__dirname, '../../..');

/** Every process below `pid` (children, grandchildren, …), from ps. */
function descendantsOf(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, of] of rows) if (of === parent) found.push(child), walk(child);
  };
  walk(pid);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start, stopped with kill <pid of npm>', () => {
  let dataDir: string;
  let npm: ChildProcess | undefined;
  let left: number[] = [];

  beforeAll(() => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-npm-start-')));
    // An empty dashboard build: this test is about processes, not about building web/.
    mkdirSync(join(dataDir, 'web'));
  });

  afterAll(() => {
    for (const pid of left) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (npm?.exitCode === null) npm.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the platform and frees its port when npm gets SIGTERM', async () => {
    npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, SLUICE_PORT: '0', SLUICE_DATA_DIR: join(dataDir, 'data'), SLUICE_WEB_DIR: join(dataDir, 'web'), SLUICE_EVENT_STORE: '', SLUICE_KAFKA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const deadline = Date.now() + 90_000;
      const watch = setInterval(() => {
        // Once fully started (the demo made), as a person would find it.
        const match = /Created the demo pipeline/.test(output) ? /Sluice is running at http:\/\/[^:]+:(\d+)/.exec(output) : null;
        if (!match && npm!.exitCode === null && Date.now() < deadline) return;
        clearInterval(watch);
        if (match) resolve(Number(match[1]));
        else reject(new Error(`npm start printed no URL:\n${output}`));
      }, 100);
    });
    expect(await portAnswers(port)).toBe(true);
    left = descendantsOf(npm.pid!);
    // npm, its `sh -c`, scripts/start.mjs and the platform at least.
    expect(left.length).toBeGreaterThanOrEqual(3);

    const killedAt = Date.now();
    process.kill(npm.pid!, 'SIGTERM');
    const deadline = killedAt + 30_000;
    while ((left.some(alive) || (await portAnswers(port))) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect({ running: left.filter(alive).map((pid) => `${pid} ${safePs(pid)}`), portAnswers: await portAnswers(port) }).toEqual({ running: [], portAnswers: false });
    console.log(`every process of npm start ended ${Date.now() - killedAt} ms after kill`);
    expect(output).toMatch(/stopped/);
  });
});

function safePs(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return '(gone)';
  }
}
