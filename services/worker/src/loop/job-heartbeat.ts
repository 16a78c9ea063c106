import { isJobRefusal } from '../job-api/job-refusal';
import type { JobApi } from '../job-api/job-api';

export interface JobHeartbeatOptions {
  intervalMs: number;
  /** When the first heartbeat goes (default `intervalMs`): sooner for a job whose lease is short until then (a claim). */
  firstInMs?: number;
  /** The lease the job came with, if known: heartbeats that fail past it lose the job. */
  leaseExpiresAt?: string;
  /** The job is no longer this worker's: refused by the service, or the lease ran out while heartbeats failed. */
  onLost(reason: string): void;
  onError(error: unknown): void;
}

export interface JobHeartbeat {
  /** Ends the heart-beating and waits for a heartbeat in flight. */
  stop(): Promise<void>;
}

/**
 * Heartbeats every `intervalMs` while a job runs. A refusal loses the job at once; a heartbeat that
 * could not be delivered is tried again next time, until the lease it last extended has passed.
 */
export function keepHeartbeat(api: Pick<JobApi, 'heartbeat'>, jobId: string, nonce: string, options: JobHeartbeatOptions): JobHeartbeat {
  let stopped = false;
  let leaseExpiresAt: number | null = options.leaseExpiresAt === undefined ? null : Date.parse(options.leaseExpiresAt);
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const beat = async (): Promise<void> => {
    try {
      const answer = await api.heartbeat(jobId, nonce);
      leaseExpiresAt = Date.parse(answer.leaseExpiresAt);
    } catch (error) {
      if (stopped) return;
      if (isJobRefusal(error)) {
        stopped = true;
        options.onLost(`the service refused the heartbeat: ${(error as Error).message}`);
        return;
      }
      options.onError(error);
      if (leaseExpiresAt !== null && Date.now() > leaseExpiresAt) {
        stopped = true;
        options.onLost(`heartbeats failed until the lease ran out at ${new Date(leaseExpiresAt).toISOString()}`);
      }
    }
  };
  const schedule = (inMs: number): void => {
    timer = setTimeout(() => {
      inFlight = beat().finally(() => {
        if (!stopped) schedule(options.intervalMs);
      });
    }, inMs);
  };
  schedule(options.firstInMs ?? options.intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
