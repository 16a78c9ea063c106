import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryArgumentsOfThisProcess, startLauncherProcess } from './launcher-process';
import { groupAlive } from './process-group';
import { runProcessGroup } from './run-process-group';

describe('the launcher process: job processes spawned outside the platform', () => {
  const launcher = startLauncherProcess();
  afterAll(() => launcher.close());

  const run = (command: string, args: string[], signal = new AbortController().signal) => {
    let output = '';
    const outcome = runProcessGroup({ command, args, cwd: '/tmp', env: { PATH: '/usr/bin:/bin' }, signal, killGraceMs: 200, launcher, onOutput: (_stream, text) => (output += text) });
    return { outcome, output: () => output };
  };

  it('runs a command as the leader of its own group, with its output and exit code', async () => {
    const { outcome, output } = run('sh', ['-c', 'echo "group $(ps -o pgid= $$ | tr -d " ") pid $$"; echo oops >&2; exit 3']);
    expect(await outcome).toEqual({ status: 'exited', exitCode: 3 });
    const [, group, pid] = /group (\d+) pid (\d+)/.exec(output())!;
    expect(group).toBe(pid);
    expect(output()).toContain('oops');
    expect(Number(pid)).not.toBe(process.pid);
  });

  it('refuses a command that does not exist, as spawning here would', async () => {
    await expect(run('/no/such/command', []).outcome).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops the whole group on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const { outcome, output } = run('sh', ['-c', 'sleep 30 & echo ready; wait'], controller.signal);
    while (!output().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await outcome).toEqual({ status: 'aborted' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails the jobs it held when it dies, and starts again for the next one', async () => {
    const { outcome, output } = run('sh', ['-c', 'echo "launcher $PPID group $$"; exec sleep 30']);
    while (!/launcher \d+/.test(output())) await new Promise((resolve) => setTimeout(resolve, 10));
    const launcherPid = Number(/launcher (\d+)/.exec(output())![1]);
    process.kill(launcherPid, 'SIGKILL');
    await expect(outcome).rejects.toThrow(/the job process launcher stopped/);
    // Its group went too: nothing of the job is left running.
    expect(await groupAlive(Number(/group (\d+)/.exec(output())![1]))).toBe(false);
    const next = run('sh', ['-c', 'echo again']);
    expect(await next.outcome).toEqual({ status: 'exited', exitCode: 0 });
    expect(next.output()).toBe('again\n');
  });

  it('runs its main as this process runs its own: through the compiled bundles\' runner when that started it (the distributed worker)', async () => {
    const runner = join(__dirname, '../../../../../platform/bin/run-compiled.mjs');
    expect(entryArgumentsOfThisProcess([process.execPath, runner])('main.ts')).toEqual([runner, 'main.ts']);
    expect(entryArgumentsOfThisProcess([process.execPath, '/srv/worker.js'])('main.ts')).toEqual(['--import', expect.stringContaining('tsx'), 'main.ts']);
    const compiled = startLauncherProcess(entryArgumentsOfThisProcess([process.execPath, runner]));
    try {
      let output = '';
      const outcome = runProcessGroup({ command: 'sh', args: ['-c', 'echo launched by $PPID'], cwd: '/tmp', env: { PATH: '/usr/bin:/bin' }, signal: new AbortController().signal, killGraceMs: 200, launcher: compiled, onOutput: (_stream, text) => (output += text) });
      expect(await outcome).toEqual({ status: 'exited', exitCode: 0 });
      const parent = Number(/launched by (\d+)/.exec(output)![1]);
      expect(parent).not.toBe(process.pid);
      expect(readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([runner, expect.stringMatching(/launcher-process-main\.ts$/)]));
    } finally {
      await compiled.close();
    }
  }, 120_000);
});
