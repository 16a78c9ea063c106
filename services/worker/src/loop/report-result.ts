import { isJobRefusal } from '../job-api/job-refusal';
import type { WorkerEvent } from './worker-events';

export interface ReportRetry {
  attempts: number;
  initialDelayMs: number;
}

/**
 * Delivers a job's result, trying again when the service could not be reached: a result lost here
 * makes the job run again once its lease runs out. A refusal (the job ended or went to another worker)
 * is final.
 */
export async function reportResult(jobId: string, put: () => Promise<void>, retry: ReportRetry, emit: (event: WorkerEvent) => void): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await put();
      return true;
    } catch (error) {
      if (isJobRefusal(error)) {
        emit({ type: 'ResultRefused', jobId, error });
        return false;
      }
      if (attempt >= retry.attempts) {
        emit({ type: 'ReportFailed', jobId, error, attempts: attempt });
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, retry.initialDelayMs * 2 ** (attempt - 1)));
    }
  }
}
