import { logProblems, type WorkerEvent } from '@sluice/worker';

/**
 * The built-in worker's log: one line per job start and end, named by stage and action (the end events
 * carry only the job id, hence the map), and the worker's own wording for its problems.
 */
export function workerEventLog(log: (line: string) => void): (event: WorkerEvent) => void {
  const running = new Map<string, string>();
  return (event) => {
    switch (event.type) {
      case 'JobStarted':
        running.set(event.jobId, `${event.stageName}/${event.actionName}`);
        return log(`worker: ${event.stageName}/${event.actionName} started (${event.actionType})`);
      case 'JobSucceeded':
        log(`worker: ${running.get(event.jobId) ?? event.jobId} succeeded in ${(event.durationMs / 1000).toFixed(1)} s`);
        return void running.delete(event.jobId);
      case 'JobFailed':
        log(`worker: ${running.get(event.jobId) ?? event.jobId} failed (${event.failureType}): ${event.message}`);
        return void running.delete(event.jobId);
      default:
        return logProblems(event);
    }
  };
}
