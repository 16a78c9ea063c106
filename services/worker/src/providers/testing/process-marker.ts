import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { processAlive } from '../process/process-group';

/**
 * A name for a job's processes that a test finds from outside the job's pid namespace (where the pids a
 * job sees mean nothing): `(exec -a <marker>-child sleep 300) &` in the commands, `processesMarked(marker)` after.
 */
export const processMarker = (): string => `sluice-test-${randomBytes(6).toString('hex')}`;

/** The host's live processes whose command line carries `marker` (zombies do not count). */
export async function processesMarked(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker) && (await processAlive(Number(name)))) found.push(Number(name));
  }
  return found;
}
