import type { LanesEvent } from '@sluice/contracts';
import type { LaneEntry, StageLane } from './lanes-state';

/**
 * Who may enter a stage now. A stage holds one execution of a locking mode (SUPERSEDED, QUEUED) at a
 * time, oldest waiter first; PARALLEL executions neither wait for nor hold the lock. Nobody passes a
 * disabled inbound transition.
 */
export function admissions(lane: StageLane, stageName: string, at: string): LanesEvent[] {
  if (lane.transition.status === 'Disabled') return [];
  let locked = lane.occupants.some(isLocking);
  const granted: LanesEvent[] = [];
  for (const waiter of lane.waiting) {
    if (isLocking(waiter)) {
      if (locked) continue;
      locked = true;
    }
    granted.push({ type: 'StageEntryGranted', data: { executionId: waiter.executionId, stageName, at } });
  }
  return granted;
}

/**
 * SUPERSEDED: of the executions waiting at one transition only the newest keeps waiting; older ones
 * are superseded the moment a newer one arrives (whether the stage is locked or the transition disabled).
 */
export function supersessions(lane: StageLane, stageName: string, at: string): LanesEvent[] {
  const candidates = lane.waiting.filter((waiter) => waiter.mode === 'SUPERSEDED');
  const newest = candidates.reduce<LaneEntry | undefined>((best, waiter) => (!best || waiter.sequence > best.sequence ? waiter : best), undefined);
  if (!newest) return [];
  return candidates
    .filter((waiter) => waiter !== newest)
    .map((waiter) => ({ type: 'WaitingExecutionSuperseded', data: { executionId: waiter.executionId, stageName, supersededBy: newest.executionId, at } }));
}

function isLocking(entry: LaneEntry): boolean {
  return entry.mode !== 'PARALLEL';
}
