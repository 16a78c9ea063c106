import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Per-job control groups bounding the memory and the number of processes of everything a job runs,
 * together. cgroup v2 (one hierarchy) or v1 (one per controller), whichever the machine mounts and
 * lets this process write; `undefined` from `openJobCgroups` where neither can be had (not root, a
 * read-only cgroupfs): the sandbox then falls back to per-process rlimits.
 */
export interface JobCgroups {
  readonly version: 1 | 2;
  /** Makes the job's groups; `procsFiles` are where a process writes its pid to join them. */
  create(jobName: string, limits: { memoryBytes: number; processes: number }): Promise<JobCgroup>;
}

export interface JobCgroup {
  procsFiles: string[];
  /** Which limit was hit, read before the groups are removed. */
  limitReached(): Promise<'memory' | 'processes' | undefined>;
  remove(): Promise<void>;
}

const CGROUP_ROOT = '/sys/fs/cgroup';
const PARENT = 'sluice-jobs';

export async function openJobCgroups(root = CGROUP_ROOT): Promise<JobCgroups | undefined> {
  return (await tryV2(root)) ?? (await tryV1(root));
}

async function tryV2(root: string): Promise<JobCgroups | undefined> {
  try {
    const controllers = (await readFile(join(root, 'cgroup.controllers'), 'utf8')).split(/\s+/);
    if (!controllers.includes('memory') || !controllers.includes('pids')) return undefined;
    // The root of the hierarchy may hand controllers down while holding processes; a nested group may not,
    // so the jobs' parent hangs off the root.
    await writeFile(join(root, 'cgroup.subtree_control'), '+memory +pids');
    const parent = join(root, PARENT);
    await mkdir(parent, { recursive: true });
    await writeFile(join(parent, 'cgroup.subtree_control'), '+memory +pids');
    // Writing the limits is what fails where the hierarchy is read-only or not delegated: try once.
    await (await createV2(parent, `probe-${process.pid}`, { memoryBytes: 64 * 1048576, processes: 8 })).remove();
    return { version: 2, create: (name, limits) => createV2(parent, name, limits) };
  } catch {
    return undefined;
  }
}

async function createV2(parent: string, name: string, limits: { memoryBytes: number; processes: number }): Promise<JobCgroup> {
  const path = join(parent, name);
  await mkdir(path);
  await writeFile(join(path, 'memory.max'), String(limits.memoryBytes));
  await writeFile(join(path, 'memory.swap.max'), '0').catch(() => undefined);
  await writeFile(join(path, 'pids.max'), String(limits.processes));
  return {
    procsFiles: [join(path, 'cgroup.procs')],
    async limitReached() {
      const [memoryEvents, pidsEvents] = await Promise.all([readOptional(join(path, 'memory.events')), readOptional(join(path, 'pids.events'))]);
      if (counter(memoryEvents, 'oom_kill') > 0) return 'memory';
      if (counter(pidsEvents, 'max') > 0) return 'processes';
      return undefined;
    },
    remove: () => removeGroup(path),
  };
}

async function tryV1(root: string): Promise<JobCgroups | undefined> {
  try {
    const own = await ownV1Paths();
    const memoryParent = join(root, 'memory', own.get('memory') ?? '/', PARENT);
    const pidsParent = join(root, 'pids', own.get('pids') ?? '/', PARENT);
    await mkdir(memoryParent, { recursive: true });
    await mkdir(pidsParent, { recursive: true });
    await (await createV1(memoryParent, pidsParent, `probe-${process.pid}`, { memoryBytes: 64 * 1048576, processes: 8 })).remove();
    return { version: 1, create: (name, limits) => createV1(memoryParent, pidsParent, name, limits) };
  } catch {
    return undefined;
  }
}

async function createV1(memoryParent: string, pidsParent: string, name: string, limits: { memoryBytes: number; processes: number }): Promise<JobCgroup> {
  const memory = join(memoryParent, name);
  const pids = join(pidsParent, name);
  await mkdir(memory);
  try {
    await writeFile(join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    await mkdir(pids);
    await writeFile(join(pids, 'pids.max'), String(limits.processes));
  } catch (error) {
    await removeGroup(pids);
    await removeGroup(memory);
    throw error;
  }
  return {
    procsFiles: [join(memory, 'cgroup.procs'), join(pids, 'cgroup.procs')],
    async limitReached() {
      // Read together: this is on the path between the command's end and the job's result.
      const [memoryEvents, pidsEvents] = await Promise.all([readOptional(join(memory, 'memory.oom_control')), readOptional(join(pids, 'pids.events'))]);
      if (counter(memoryEvents, 'oom_kill') > 0) return 'memory';
      if (counter(pidsEvents, 'max') > 0) return 'processes';
      return undefined;
    },
    async remove() {
      await removeGroup(memory);
      await removeGroup(pids);
    },
  };
}

/** This process's groups per v1 controller, from `/proc/self/cgroup` (`4:memory:/a/b`). */
async function ownV1Paths(): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const line of (await readFile('/proc/self/cgroup', 'utf8')).split('\n')) {
    const [, controllers = '', path = ''] = line.split(':');
    for (const controller of controllers.split(',')) if (controller !== '') paths.set(controller, path);
  }
  return paths;
}

/** A group can be removed once its processes are gone; they die with the job's namespace, so a few tries suffice. */
async function removeGroup(path: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function counter(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}
