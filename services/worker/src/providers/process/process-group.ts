import { readdir, readFile } from 'node:fs/promises';

/** Signals every process of the group led by `pgid`; a group that is gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Whether a process of the group still runs. Zombies do not count: an orphan whose new parent does
 * not reap it (no init in a container) would otherwise look alive for ever.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  const members = await procMembers(pgid);
  return members === undefined || members.some((member) => member.state !== 'Z');
}

/** Whether one process runs (zombies do not count). */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  const stat = await readStat(String(pid));
  return stat === undefined || stat.state !== 'Z';
}

interface ProcStat {
  state: string;
  pgid: number;
}

async function procMembers(pgid: number): Promise<ProcStat[] | undefined> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return undefined;
  }
  const stats = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map(readStat));
  return stats.filter((stat): stat is ProcStat => stat !== undefined && stat.pgid === pgid);
}

async function readStat(pid: string): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so fields count from the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}
