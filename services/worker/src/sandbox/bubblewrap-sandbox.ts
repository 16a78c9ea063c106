import { randomBytes } from 'node:crypto';
import type { JobLimits } from '../provider-config';
import type { JobCgroups } from './job-cgroups';
import type { JobCommand, JobSandbox, SandboxedProcess, SandboxOwner } from './job-sandbox';

/** A folder (or file) of the machine the job sees read-only, or a symlink as the machine has it (`/bin -> usr/bin`). */
export type SystemPath = { kind: 'bind'; path: string } | { kind: 'symlink'; path: string; target: string };

export interface BubblewrapSettings {
  bwrap: string;
  prlimit: string;
  setpriv: string;
  /** The system folders the job sees, read-only (programs, libraries, /etc). */
  systemPaths: SystemPath[];
  /** Set when the worker runs as root: the job runs as this user instead. */
  owner?: SandboxOwner;
  limits: JobLimits;
  /** Per-job groups bounding memory and processes, where the machine lets the worker make them. */
  cgroups?: JobCgroups;
}

const MiB = 1048576;
// Joins the job's cgroups, then becomes the next program: the pid written is the one that runs bwrap.
const JOIN_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/**
 * Commands in bubblewrap: their own user, pid, ipc, uts and cgroup namespaces (and network, when the
 * action type has it off), the machine's programs read-only, a fresh /tmp, /proc and /dev, and the job's
 * workspace as the only writable place; nothing of the worker's files, processes or environment. When the
 * worker runs as root the job first becomes an unprivileged user (setpriv), so even a way out of the
 * namespaces lands with nobody's rights. Limits: a cgroup per job for memory and processes where one can be
 * made, rlimits (CPU time, file size, open files, processes, no core dumps) always.
 */
export class BubblewrapSandbox implements JobSandbox {
  readonly kind = 'bubblewrap';
  readonly owner?: SandboxOwner;

  constructor(private readonly settings: BubblewrapSettings) {
    this.owner = settings.owner;
  }

  get description(): string {
    const { limits, owner, cgroups } = this.settings;
    return [
      `bubblewrap${owner ? ` as user ${owner.user} (uid ${owner.uid})` : ' as the worker\'s user in a user namespace'}`,
      `memory ${limits.memoryMiB} MiB ${cgroups ? `per job (cgroup v${cgroups.version})` : 'per process (no cgroup can be made here)'}`,
      `${limits.processes} processes`,
      `${limits.cpuSeconds} s CPU`,
    ].join(', ');
  }

  identity(home: string): { HOME: string; USER?: string; LOGNAME?: string } {
    const user = this.settings.owner?.user;
    return user ? { HOME: home, USER: user, LOGNAME: user } : { HOME: home };
  }

  async wrap(command: JobCommand): Promise<SandboxedProcess> {
    const { limits, cgroups } = this.settings;
    const group = cgroups ? await cgroups.create(`job-${command.jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${randomBytes(4).toString('hex')}`, { memoryBytes: limits.memoryMiB * MiB, processes: limits.processes }) : undefined;
    const argv = bubblewrapArgv(this.settings, command, group !== undefined);
    const [program = '', ...args] = group ? ['/bin/sh', '-c', JOIN_CGROUPS, 'sluice-sandbox', ...group.procsFiles, '--', ...argv] : argv;
    return {
      command: program,
      args,
      // The spawned chain starts where every user may be; bwrap then moves to the job's folder.
      cwd: '/',
      env: command.env,
      async finish() {
        if (!group) return {};
        const reached = await group.limitReached();
        // The group empties as the job's last processes are reaped; the job's result need not wait for that.
        void group.remove().catch(() => undefined);
        if (reached === 'memory') return { limitReached: `the job's processes used all of their ${limits.memoryMiB} MiB of memory (SLUICE_JOB_MEMORY_MB)` };
        if (reached === 'processes') return { limitReached: `the job reached its limit of ${limits.processes} processes (SLUICE_JOB_PROCESSES)` };
        return {};
      },
    };
  }
}

/** The whole command line: rlimits, then the user switch, then bubblewrap, then the job's own command. Pure, so it can be read in a test. */
export function bubblewrapArgv(settings: BubblewrapSettings, command: JobCommand, inCgroup: boolean): string[] {
  const { limits, owner } = settings;
  const rlimits = [
    settings.prlimit,
    `--cpu=${limits.cpuSeconds}`,
    `--fsize=${limits.fileSizeMiB * MiB}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    // RLIMIT_NPROC counts every process of the user, across jobs: with a cgroup per job it is only a backstop.
    `--nproc=${inCgroup ? limits.processes * 4 : limits.processes}`,
    ...(inCgroup ? [] : [`--data=${limits.memoryMiB * MiB}`]),
    '--',
  ];
  const switchUser = owner
    ? [settings.setpriv, `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--']
    : [];
  const namespaces = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', ...(command.network ? [] : ['--unshare-net'])];
  const filesystem = settings.systemPaths.flatMap((entry) => (entry.kind === 'bind' ? ['--ro-bind', entry.path, entry.path] : ['--symlink', entry.target, entry.path]));
  return [
    ...rlimits,
    ...switchUser,
    settings.bwrap,
    '--die-with-parent',
    '--new-session',
    ...namespaces,
    '--hostname',
    'sluice-job',
    ...filesystem,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    ...command.folders.flatMap((folder) => ['--bind', folder, folder]),
    '--chdir',
    command.cwd,
    '--',
    command.command,
    ...command.args,
  ];
}
