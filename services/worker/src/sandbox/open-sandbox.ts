import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chown, lstat, mkdtemp, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { SandboxConfig } from '../provider-config';
import { ProviderFailure } from '../providers/provider-failure';
import { BubblewrapSandbox, type BubblewrapSettings, type SystemPath } from './bubblewrap-sandbox';
import { openJobCgroups } from './job-cgroups';
import type { JobCommand, JobSandbox, SandboxedProcess, SandboxOwner } from './job-sandbox';

const run = promisify(execFile);

/** What the job sees of the machine, read-only: its programs, libraries and /etc (the unprivileged user's view of them). */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt'];

export const SANDBOX_SETUP_HINT = 'install bubblewrap and create the job user with scripts/ensure-sandbox.sh, or set SLUICE_SANDBOX=unsandboxed to run commands as the worker itself';

/**
 * The sandbox the operator asked for, checked by running `true` in it once: bubblewrap when it works
 * here, else one that refuses every command and says why; the unsandboxed one only on the operator's
 * explicit `SLUICE_SANDBOX=unsandboxed`.
 */
export async function openJobSandbox(config: SandboxConfig): Promise<JobSandbox> {
  if (config.mode === 'unsandboxed') return new UnsandboxedSandbox();
  const [bwrap, prlimit, setpriv] = await Promise.all(['bwrap', 'prlimit', 'setpriv'].map(findProgram));
  if (!bwrap) return new UnavailableSandbox('bubblewrap (bwrap) is not installed');
  if (!prlimit) return new UnavailableSandbox('prlimit (util-linux) is not installed');
  const root = process.getuid?.() === 0;
  let owner: SandboxOwner | undefined;
  if (root) {
    if (!setpriv) return new UnavailableSandbox('setpriv (util-linux) is not installed');
    owner = await lookUpUser(config.user);
    if (!owner) return new UnavailableSandbox(`the worker runs as root and the job user ${config.user} does not exist`);
    if (owner.uid === 0) return new UnavailableSandbox(`the job user ${config.user} is root`);
  }
  const settings: BubblewrapSettings = {
    bwrap,
    prlimit,
    setpriv: setpriv ?? 'setpriv',
    systemPaths: await systemPaths(),
    ...(owner ? { owner } : {}),
    limits: config.limits,
    ...(root ? { cgroups: await openJobCgroups() } : {}),
  };
  const sandbox = new BubblewrapSandbox(settings);
  const problem = await tryOnce(sandbox);
  return problem === undefined ? sandbox : new UnavailableSandbox(`bubblewrap does not work here: ${problem}`);
}

/** Runs `true` in the sandbox; the reason it failed, or undefined. */
async function tryOnce(sandbox: BubblewrapSandbox): Promise<string | undefined> {
  const workspace = await mkdtemp(join(tmpdir(), 'sluice-sandbox-check-'));
  try {
    if (sandbox.owner) await chown(workspace, sandbox.owner.uid, sandbox.owner.gid);
    const command: JobCommand = { command: 'true', args: [], cwd: workspace, env: { PATH: '/usr/bin:/bin' }, folders: [workspace], network: false, jobId: 'sandbox-check' };
    const wrapped = await sandbox.wrap(command);
    try {
      await run(wrapped.command, wrapped.args, { cwd: wrapped.cwd, env: wrapped.env, timeout: 10_000 });
      return undefined;
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      return stderr || (error as Error).message;
    } finally {
      await wrapped.finish();
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function findProgram(name: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

async function lookUpUser(user: string): Promise<SandboxOwner | undefined> {
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()), user };
  } catch {
    return undefined;
  }
}

async function systemPaths(): Promise<SystemPath[]> {
  const paths: SystemPath[] = [];
  for (const path of SYSTEM_PATHS) {
    try {
      const stat = await lstat(path);
      if (stat.isSymbolicLink()) paths.push({ kind: 'symlink', path, target: await readlink(path) });
      else if (stat.isDirectory()) paths.push({ kind: 'bind', path });
    } catch {
      // Not on this machine.
    }
  }
  // Name resolution where /etc/resolv.conf points elsewhere (systemd-resolved's stub under /run).
  try {
    const resolv = await realpath('/etc/resolv.conf');
    if (!resolv.startsWith('/etc/')) paths.push({ kind: 'bind', path: resolv });
  } catch {
    // No resolver configuration.
  }
  return paths;
}

/** The operator's explicit choice: commands run as the worker, seeing what it sees. */
class UnsandboxedSandbox implements JobSandbox {
  readonly kind = 'unsandboxed';
  readonly description = 'NONE: commands run as the worker\'s own user and see everything it sees (SLUICE_SANDBOX=unsandboxed)';
  identity(home: string) {
    return { HOME: home };
  }
  async wrap(command: JobCommand): Promise<SandboxedProcess> {
    return { command: command.command, args: command.args, cwd: command.cwd, env: command.env, finish: async () => ({}) };
  }
}

/** No sandbox can be had: every command is refused with the reason, so no job runs with the worker's rights by accident. */
class UnavailableSandbox implements JobSandbox {
  readonly kind = 'unavailable';
  constructor(private readonly reason: string) {}
  get description(): string {
    return `UNAVAILABLE (${this.reason}): Commands actions are refused; ${SANDBOX_SETUP_HINT}`;
  }
  identity(home: string) {
    return { HOME: home };
  }
  async wrap(): Promise<SandboxedProcess> {
    throw new ProviderFailure(`This worker runs no commands: no sandbox (${this.reason}). The operator can ${SANDBOX_SETUP_HINT}.`, 'ConfigurationError');
  }
}
