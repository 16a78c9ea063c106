/** Every status a stage, action or execution can show, and "never ran". */
export type Status = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Superseded' | 'Failed' | 'Skipped' | 'Abandoned' | 'None';

export const statusOf = (status: string | null | undefined): Status => (status ?? 'None') as Status;

const LABELS: Record<Status, string> = {
  InProgress: 'In progress',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  Succeeded: 'Succeeded',
  Superseded: 'Superseded',
  Failed: 'Failed',
  Skipped: 'Skipped',
  Abandoned: 'Abandoned',
  None: 'Not run yet',
};

export const statusLabel = (status: string | null | undefined): string => LABELS[statusOf(status)] ?? String(status);

/** "1 min 5 s", "1.6 s", "800 ms": for durations on cards, the timeline and the execution's total. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // Tenths under 10 s: 1.6 s is not 2 s (every duration shown is this one, of the engine's start and finish).
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "3 min ago" relative to `now`, for "last change". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 45_000) return 'just now';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString();
}
