import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryArguments } from '../entry-arguments';

// NestJS 12 is ESM-only and cannot load inside jest: the platform runs as a child process, driven through the gateway.
const ROOT = join(__dirname, '../../..');
const WITHOUT_DEMO = join(__dirname, 'platform-without-demo-main.ts');
/** `npm start`'s own entry: the platform with its demo pipeline. */
export const NPM_START_ENTRY = join(ROOT, 'platform/src/embedded/main.ts');

export interface PlatformProcess {
  url: string;
  /** The platform's process id (what a job must not be able to see or signal). */
  pid: number;
  /** The admin token of account `default` (from `{dataDir}/admin-token`), for `Authorization: Bearer …`. */
  token: string;
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after 30 s). */
  stop(): Promise<number | null>;
}

/** The embedded platform (without the demo unless `entry` is `NPM_START_ENTRY`), on a free port, an embedded store in `dataDir`. */
export async function startPlatformProcess(dataDir: string, extraEnv: Record<string, string> = {}, timeoutMs = 90_000, entry = WITHOUT_DEMO): Promise<PlatformProcess> {
  // SLUICE_CPU_PROFILE_DIR: a V8 CPU profile of the platform, written there when it stops (the benches' profiling).
  const profile = process.env.SLUICE_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SLUICE_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...entryArguments(entry)], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_PORT: '0', SLUICE_DATA_DIR: dataDir, SLUICE_EVENT_STORE: '', SLUICE_KAFKA_BROKERS: '', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const watch = setInterval(() => {
      // The whole banner, not only its first line: a test reads what it says (the sandbox, the services) at once.
      const match = /^ {2}triggers {5}/m.test(output) ? /Sluice is running at (http:\/\/\S+)/.exec(output) : null;
      const failure = match ? undefined : child.exitCode !== null ? `exited with ${child.exitCode}` : Date.now() > deadline ? `printed no URL within ${timeoutMs / 1000} s` : undefined;
      if (!match && !failure) return;
      clearInterval(watch);
      if (match) return resolve(match[1]!);
      child.kill('SIGKILL');
      reject(new Error(`the platform ${failure}:\n${output}`));
    }, 50);
  });
  return {
    url,
    pid: child.pid!,
    token: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
