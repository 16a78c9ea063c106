import type { ActionTypeId } from '@sluice/domain';
import type { Job, JobSuccessInput, JobWorkerApi } from '../application/job-worker-api';

/** What the test worker does with a job it polled. */
export type TestWorkerPlan =
  | { kind: 'succeed'; result?: JobSuccessInput; delayMs?: number; deliverTwice?: boolean }
  | { kind: 'fail'; message?: string; delayMs?: number }
  /** Takes the job and never acknowledges it. */
  | { kind: 'ignore' };

export interface TestWorkerOptions {
  actionTypeIds: ActionTypeId[];
  plan?: (job: Job) => TestWorkerPlan;
  workerId?: string;
  batchSize?: number;
  pollWaitMs?: number;
}

export interface TestWorker {
  /** Job ids whose result the engine accepted, in order. */
  readonly accepted: string[];
  /** Results the engine refused (a duplicate, a late one). */
  readonly refused: Error[];
  readonly polled: Job[];
  stop(): Promise<void>;
}

/**
 * A worker that speaks only the job-worker protocol: long-poll, acknowledge, then succeed or fail as the
 * plan says (outputs named after the declared output artifacts). One poll loop per action type.
 */
export function startTestWorker(api: JobWorkerApi, options: TestWorkerOptions): TestWorker {
  const plan = options.plan ?? ((): TestWorkerPlan => ({ kind: 'succeed' }));
  const abort = new AbortController();
  const accepted: string[] = [];
  const refused: Error[] = [];
  const polled: Job[] = [];
  const inFlight = new Set<Promise<void>>();

  const work = async (job: Job): Promise<void> => {
    const step: TestWorkerPlan = plan(job);
    if (step.kind === 'ignore') return;
    await api.acknowledgeJob(job.id, job.nonce);
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    const deliveries = step.kind === 'succeed' && step.deliverTwice ? 2 : 1;
    for (let delivery = 0; delivery < deliveries; delivery += 1) {
      try {
        if (step.kind === 'succeed') {
          const outputArtifacts = job.data.outputArtifacts.map((artifact) => ({ name: artifact.name, location: `sha256:${job.id}:${artifact.name}` }));
          await api.putJobSuccessResult(job.id, { outputArtifacts, ...step.result });
        } else {
          await api.putJobFailureResult(job.id, { type: 'JobFailed', message: step.message ?? 'exit code 1' });
        }
        accepted.push(job.id);
      } catch (error) {
        refused.push(error as Error);
      }
    }
  };

  const loop = async (actionTypeId: ActionTypeId): Promise<void> => {
    while (!abort.signal.aborted) {
      const jobs = await api.pollForJobs(actionTypeId, options.batchSize ?? 10, { waitMs: options.pollWaitMs ?? 1_000, workerId: options.workerId, signal: abort.signal });
      for (const job of jobs) {
        polled.push(job);
        const running: Promise<void> = work(job)
          .catch((error: unknown) => void refused.push(error as Error))
          .finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
    }
  };

  const loops = options.actionTypeIds.map((actionTypeId) => loop(actionTypeId));
  return {
    accepted,
    refused,
    polled,
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
      await Promise.allSettled([...inFlight]);
    },
  };
}
