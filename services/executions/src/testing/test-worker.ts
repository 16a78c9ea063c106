import type { ActionTypeId } from '@sluice/domain';
import type { Job } from '../application/job-worker-api';

/** What the test worker reports on success; both the engine and a remote `JobApi` take it. */
export interface TestWorkerResult {
  outputArtifacts?: Array<{ name: string; location: string }>;
  outputVariables?: Record<string, string>;
  executionSummary?: string | null;
}

/** What the test worker reads of a polled job: the engine's `Job`, or a `PolledJob` of `@sluice/worker`. */
export interface TestWorkerJob {
  id: string;
  nonce: string;
  data: Pick<Job['data'], 'executionId' | 'stageName' | 'actionName' | 'actionExecutionId'> & { outputArtifacts: Array<{ name: string }> };
}

/** The protocol as the test worker speaks it: the engine in-process, or `graphqlJobApi` of `@sluice/worker` over HTTP. */
export interface TestWorkerApi<J extends TestWorkerJob> {
  pollForJobs(actionTypeId: ActionTypeId, maxBatchSize: number, options?: { waitMs?: number; workerId?: string; signal?: AbortSignal }): Promise<J[]>;
  acknowledgeJob(jobId: string, nonce: string): Promise<unknown>;
  putJobSuccessResult(jobId: string, result: TestWorkerResult): Promise<void>;
  putJobFailureResult(jobId: string, failure: { type: 'JobFailed'; message: string }): Promise<void>;
}

/** What the test worker does with a job it polled. */
export type TestWorkerPlan =
  | { kind: 'succeed'; result?: TestWorkerResult; delayMs?: number; deliverTwice?: boolean }
  | { kind: 'fail'; message?: string; delayMs?: number }
  /** Takes the job and never acknowledges it. */
  | { kind: 'ignore' };

export interface TestWorkerOptions<J extends TestWorkerJob = Job> {
  actionTypeIds: ActionTypeId[];
  plan?: (job: J) => TestWorkerPlan;
  workerId?: string;
  batchSize?: number;
  pollWaitMs?: number;
}

export interface TestWorker<J extends TestWorkerJob = Job> {
  /** Job ids whose result the engine accepted, in order. */
  readonly accepted: string[];
  /** Results the engine refused (a duplicate, a late one). */
  readonly refused: Error[];
  readonly polled: J[];
  stop(): Promise<void>;
}

/**
 * A worker that speaks only the job-worker protocol: long-poll, acknowledge, then succeed or fail as the
 * plan says (outputs named after the declared output artifacts). One poll loop per action type.
 */
export function startTestWorker<J extends TestWorkerJob>(api: TestWorkerApi<J>, options: TestWorkerOptions<J>): TestWorker<J> {
  const plan = options.plan ?? ((): TestWorkerPlan => ({ kind: 'succeed' }));
  const abort = new AbortController();
  const accepted: string[] = [];
  const refused: Error[] = [];
  const polled: J[] = [];
  const inFlight = new Set<Promise<void>>();

  const work = async (job: J): Promise<void> => {
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
