import { appendFileSync } from 'node:fs';
// TEMPORARY measurement aid (not to be committed).
export function phase(jobId: string, label: string): void {
  const file = process.env.SLUICE_PHASE_TRACE;
  if (file) appendFileSync(file, `${jobId} ${label} ${performance.timeOrigin + performance.now()}\n`);
}
