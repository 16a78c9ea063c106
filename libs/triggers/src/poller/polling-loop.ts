import { startAudited, type TriggerAuditLog } from '../audit/trigger-audit';
import type { TriggerablePipeline } from '../pipeline-catalog';
import type { StartExecutionPort } from '../start-execution-port';

/** A poller's handle: one poll of everything now (resolves when done), and stop (resolves once the running poll ends). */
export interface PollingLoop {
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `pollOnce` now and then `intervalMs` after each poll ends; a poll that throws is reported through `onFailure`
 * and the loop goes on. Polls never overlap: one asked for while another runs (the returned `pollOnce`, a webhook's
 * nudge, a test) runs after it. Two polls at once could end in the other order, and the older answer would then look
 * like a change back to an older commit and start it. `isStopped` lets a poll in progress end early.
 */
export function startPollingLoop(pollOnce: () => Promise<void>, intervalMs: number, onFailure: (error: unknown) => void): PollingLoop & { isStopped(): boolean } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<unknown> = Promise.resolve();
  const pollAfterTheRunningOne = (): Promise<void> => {
    const next = last.then(() => pollOnce());
    last = next.catch(() => undefined);
    return next;
  };
  const run = (): Promise<void> => pollAfterTheRunningOne().catch(onFailure).finally(schedule);
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void (running = run()), intervalMs);
  }
  // The first poll is first in line now, and runs a tick later (a `then`): the caller holds the returned loop before
  // its poll asks `isStopped`, and a poll the caller asks for at once runs after it.
  let running: Promise<void> = run();
  return {
    pollOnce: pollAfterTheRunningOne,
    isStopped: () => stopped,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await last;
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
