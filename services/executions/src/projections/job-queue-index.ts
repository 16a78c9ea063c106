import type { ActionTypeId } from '@sluice/domain';
import { isFinished, pollable, type JobState } from '../domain';
import type { FoldedEvent } from './stream-states';

type OpenJob = Exclude<JobState, { status: 'NotCreated' }>;

export function actionTypeKey(actionTypeId: ActionTypeId): string {
  return `${actionTypeId.category}/${actionTypeId.owner}/${actionTypeId.provider}/${actionTypeId.version}`;
}

/**
 * The job queue as pollForJobs sees it: the open jobs of each action type, oldest first, and a signal
 * that wakes long polls of that type as soon as a job becomes available (created or put back).
 */
export class JobQueueIndex {
  private readonly open = new Map<string, Map<string, OpenJob>>();
  private readonly waiters = new Map<string, Set<() => void>>();

  apply(folded: FoldedEvent): void {
    if (folded.aggregate === 'job') this.hold(folded.state);
  }

  /** Takes in a job's state, folded or loaded: an open job is queued (or kept), a finished one leaves. */
  hold(job: JobState): void {
    if (job.status === 'NotCreated') return;
    const key = actionTypeKey(job.spec.actionTypeId);
    const jobs = this.open.get(key) ?? new Map<string, OpenJob>();
    this.open.set(key, jobs);
    if (isFinished(job)) {
      jobs.delete(job.spec.jobId);
      return;
    }
    jobs.set(job.spec.jobId, job);
    if (job.status === 'Queued') this.wake(key);
  }

  /** The open jobs by action type (long polls waiting left out): what a rebuilt copy must equal. */
  contents(): ReadonlyMap<string, ReadonlyMap<string, OpenJob>> {
    return this.open;
  }

  /** Jobs a worker may take now, oldest first (a lease that ran out counts: the next poll takes the job over). */
  pollable(actionTypeId: ActionTypeId, now: string, account: string | null): OpenJob[] {
    const jobs = this.open.get(actionTypeKey(actionTypeId));
    if (!jobs) return [];
    return [...jobs.values()].filter((job) => pollable(job, now) && (account === null || job.spec.pipeline.account === account));
  }

  /** Jobs a worker holds now (dispatched or acknowledged), of every action type: what a release looks through. */
  leased(): OpenJob[] {
    return [...this.open.values()].flatMap((jobs) => [...jobs.values()].filter((job) => job.status === 'Dispatched' || job.status === 'InProgress'));
  }

  /** Resolves when a job of the type becomes available, or after `timeoutMs`, or when `signal` aborts. */
  whenAvailable(actionTypeId: ActionTypeId, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const key = actionTypeKey(actionTypeId);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done);
      waiters.add(done);
    });
  }

  private wake(key: string): void {
    const waiters = this.waiters.get(key);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter();
  }
}
