import type { SourceRevisionOverride, StartExecutionPort, TriggerCaller, TriggeredStartInput } from '../start-execution-port';

/** Who started an execution without a token: a signed webhook delivery, or the git poller. */
export type TriggerIdentity = { kind: 'webhook'; webhookId: string; provider: string; deliveryId: string } | { kind: 'poller' };

/** The principal id a trigger is recorded under in the audit trail: `trigger:webhook/{id}` or `trigger:poller`. */
export function triggerPrincipalId(trigger: TriggerIdentity): string {
  return trigger.kind === 'webhook' ? `trigger:webhook/${trigger.webhookId}` : 'trigger:poller';
}

/** One start a trigger is about to make, as the audit trail keeps it. */
export interface TriggeredStartRecord {
  trigger: TriggerIdentity;
  account: string;
  pipelineName: string;
  /** The commit(s) the execution is to run, per source action. */
  sourceRevisions: SourceRevisionOverride[];
  /** What the trigger saw: the provider and delivery for a webhook, the repository (credentials removed) and ref for the poller. */
  triggerDetail: string;
  clientRequestToken: string;
  /** The delivery's peer address for a webhook; null for the poller, which calls out. */
  sourceIp: string | null;
  userAgent: string | null;
}

export type TriggeredStartOutcome = { status: 'succeeded'; pipelineExecutionId: string } | { status: 'failed'; error: string };

/**
 * The audit trail of trigger starts (decision 0028): an `attempted` record is appended, and durable, before the
 * start; its outcome follows as a second record. A start whose attempt cannot be recorded does not happen.
 */
export interface TriggerAuditLog {
  /** Resolves with the attempt record's id once it is durable; rejects when it could not be written. */
  recordAttempt(start: TriggeredStartRecord): Promise<string>;
  recordOutcome(attemptId: string, start: TriggeredStartRecord, outcome: TriggeredStartOutcome): Promise<void>;
}

/**
 * Records the attempt, then starts, then records the outcome. Nothing starts unless the attempt was written;
 * a failed start keeps its own error (an outcome that could not be recorded then is only the trail's loss).
 */
export async function startAudited(
  audit: TriggerAuditLog,
  start: StartExecutionPort,
  record: TriggeredStartRecord,
  caller: TriggerCaller,
  input: TriggeredStartInput,
): Promise<{ pipelineExecutionId: string }> {
  const attemptId = await audit.recordAttempt(record);
  let started: { pipelineExecutionId: string };
  try {
    started = await start(caller, input);
  } catch (error) {
    await audit.recordOutcome(attemptId, record, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
    throw error;
  }
  await audit.recordOutcome(attemptId, record, { status: 'succeeded', pipelineExecutionId: started.pipelineExecutionId });
  return started;
}

/** For tests: keeps every record in order; `failWith` makes the next writes fail (a trail that cannot be written). */
export class InMemoryTriggerAuditLog implements TriggerAuditLog {
  readonly entries: Array<{ id: string; kind: 'attempt'; start: TriggeredStartRecord } | { id: string; kind: 'outcome'; attemptId: string; start: TriggeredStartRecord; outcome: TriggeredStartOutcome }> = [];
  failWith: Error | undefined;
  private next = 0;

  async recordAttempt(start: TriggeredStartRecord): Promise<string> {
    if (this.failWith) throw this.failWith;
    const id = `attempt-${++this.next}`;
    this.entries.push({ id, kind: 'attempt', start });
    return id;
  }

  async recordOutcome(attemptId: string, start: TriggeredStartRecord, outcome: TriggeredStartOutcome): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.entries.push({ id: `outcome-${++this.next}`, kind: 'outcome', attemptId, start, outcome });
  }
}
