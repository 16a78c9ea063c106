import type { ExecutionEvent, LanesEvent } from '@sluice/contracts';
import type { Simulation } from './simulation';

/** Per stage, the executions in the order the lanes let them in. */
export function entryOrder(events: readonly LanesEvent[], stageName: string): string[] {
  return events.flatMap((event) => (event.type === 'StageEntryGranted' && event.data.stageName === stageName ? [event.data.executionId] : []));
}

/** The most executions that held a stage at once, from the lanes' grants and releases. */
export function maxOccupancy(events: readonly LanesEvent[], stageName: string): number {
  let inside = 0;
  let max = 0;
  for (const event of events) {
    if (event.data.stageName !== stageName) continue;
    if (event.type === 'StageEntryGranted') max = Math.max(max, (inside += 1));
    if (event.type === 'StageReleased') inside -= 1;
  }
  return max;
}

export function countStatuses(sim: Simulation): Record<string, number> {
  return Object.values(sim.statuses()).reduce<Record<string, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
}

export function eventsOfType<T extends ExecutionEvent['type']>(events: readonly ExecutionEvent[], type: T): Array<Extract<ExecutionEvent, { type: T }>> {
  return events.filter((event): event is Extract<ExecutionEvent, { type: T }> => event.type === type);
}
