import { startAudited, type TriggerAuditLog } from '../audit/trigger-audit';
import type { TriggerablePipeline } from '../pipeline-catalog';
import type { StartExecutionPort } from '../start-execution-port';

/** A poller's handle: one poll of everything now (resolves when done), and stop (resolves once the running poll ends). */
export interface PollingLoop {
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `pollOnce` now and then `intervalMs` after each poll ends (never two at once); a poll that throws is reported
 * through `onFailure` and the loop goes on. `isStopped` lets a poll in progress end early.
 */
export function startPollingLoop(pollOnce: () => Promise<void>, intervalMs: number, onFailure: (error: unknown) => void): PollingLoop & { isStopped(): boolean } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = (): Promise<void> => pollOnce().catch(onFailure).finally(schedule);
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void (running = run()), intervalMs);
  }
  // The first poll starts on the next tick: the caller holds the returned loop before its poll asks `isStopped`.
  let running: Promise<void> = Promise.resolve().then(run);
  return {
    pollOnce,
    isStopped: () => stopped,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** What a poller needs to start a pipeline: the start port and the audit log every start is recorded in first. */
export interface PollerStarts {
  start: StartExecutionPort;
  audit: TriggerAuditLog;
}

/**
 * Starts `pipeline` pinned to `sourceRevisions`, as the poller `actor`, recorded in the audit first (decision 0028),
 * with `clientRequestToken` so a repeated poll of the same change starts it once.
 */
export async function startFromPoller(
  ports: PollerStarts,
  actor: string,
  pipeline: TriggerablePipeline,
  start: { sourceRevisions: { actionName: string; revisionType: 'COMMIT_ID' | 'S3_OBJECT_VERSION_ID'; revisionValue: string }[]; triggerDetail: string; clientRequestToken: string },
): Promise<void> {
  const { sourceRevisions, triggerDetail, clientRequestToken } = start;
  await startAudited(
    ports.audit,
    ports.start,
    { trigger: { kind: 'poller' }, account: pipeline.account, pipelineName: pipeline.name, sourceRevisions, triggerDetail, clientRequestToken, sourceIp: null, userAgent: null },
    { account: pipeline.account, actor },
    { name: pipeline.name, sourceRevisions, clientRequestToken, trigger: { triggerType: 'PollForSourceChanges', triggerDetail } },
  );
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
