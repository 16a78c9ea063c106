import type { ArtifactStore } from '@sluice/artifact-store';
import { actionLogStreamId, nameBasedUuid, type ActionLogAppended } from '@sluice/contracts';
import { ConcurrencyError, type EventStore } from '@sluice/eventing';
import { expiredExecutionStreamId, isDueForExpiry, retentionDaysOf, type ExecutionExpiry, type ExecutionState, type PipelineExecutionExpired, type RetentionState } from '../../domain';
import type { Clock } from '../caller';

export interface RetentionSweepDeps {
  store: EventStore;
  /**
   * The executions that could expire: started, not expired, with nothing left for the engine (of one account, when
   * given), each with its folded state; from the read model's tables, so a sweep covers executions not in memory.
   */
  executionsAtRest: (account: string | undefined) => AsyncIterable<{ executionId: string; state: ExecutionState }>;
  /** Whether (and why) retention expired an execution already. */
  expiryOf: (executionId: string) => Promise<ExecutionExpiry | undefined>;
  /** The log store of the action logs' chunks; without one (a unit test's engine) there are none to delete. */
  logStore?: ArtifactStore;
  retentionOf: (account: string) => Promise<RetentionState>;
  clock: Clock;
  /** Resolves once the read models include the store's event at `position` (read-your-writes of the tombstones). */
  waitForPosition: (position: bigint) => Promise<void>;
}

export interface RetentionSweepReport {
  /** When the sweep looked (the clock's now): executions that ended more than their account's period before it expired. */
  sweptAt: string;
  /** Executions this sweep expired, oldest end first. */
  expiredExecutions: Array<{ pipelineExecutionId: string; pipelineName: string; endedAt: string; retentionDays: number }>;
  logChunksDeleted: number;
  /** Chunks written before decision 0056, which another execution may share: left for the operator's own expiry. */
  logChunksLeftShared: number;
}

const LOG_READ_BATCH = 1_000;

/**
 * Retention's sweep (docs/decisions/0056): for every ended execution (of one account, or of all) older than its
 * account's period and not yet expired, delete its own log chunks, then append its tombstone. Deleting first makes
 * a crash between the two harmless: the next sweep finds it not expired, deletes nothing more (absent chunks are not
 * an error) and appends the tombstone. The tombstone is appended to a stream of its own with `no_stream`, so two
 * sweeps (two engine instances) expire an execution once.
 */
export class RetentionSweep {
  private running: Promise<RetentionSweepReport> | undefined;

  constructor(private readonly deps: RetentionSweepDeps) {}

  /** One sweep at a time per process: a sweep asked for while one runs waits for it, then runs. */
  async sweep(account?: string): Promise<RetentionSweepReport> {
    while (this.running) await this.running.catch(() => undefined);
    const running = this.sweepOnce(account);
    this.running = running;
    try {
      return await running;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Resolves once no sweep runs (a stopping engine waits for one to end). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async sweepOnce(account: string | undefined): Promise<RetentionSweepReport> {
    const now = this.deps.clock();
    const periods = new Map<string, Promise<number>>();
    const periodOf = (of: string): Promise<number> => {
      let period = periods.get(of);
      if (period === undefined) {
        period = this.deps.retentionOf(of).then(retentionDaysOf);
        periods.set(of, period);
      }
      return period;
    };
    const report: RetentionSweepReport = { sweptAt: now.toISOString(), expiredExecutions: [], logChunksDeleted: 0, logChunksLeftShared: 0 };
    let lastPosition: bigint | undefined;
    for await (const { executionId, state } of this.deps.executionsAtRest(account)) {
      if (state.status === 'NotStarted') continue;
      const { pipeline } = state.run.inputs;
      if (account !== undefined && pipeline.account !== account) continue;
      const retentionDays = await periodOf(pipeline.account);
      if (!isDueForExpiry(state, retentionDays, now)) continue;
      if ((await this.deps.expiryOf(executionId)) !== undefined) continue;
      const chunks = await this.deleteLogChunks(executionId);
      const tombstone: PipelineExecutionExpired = {
        type: 'PipelineExecutionExpired',
        data: {
          pipelineExecutionId: executionId,
          account: pipeline.account,
          pipelineName: pipeline.name,
          endedAt: state.run.lastUpdatedAt,
          expiredAt: now.toISOString(),
          retentionDays,
          logChunksDeleted: chunks.deleted,
          logChunksLeftShared: chunks.shared,
        },
      };
      try {
        const appended = await this.deps.store.append(
          expiredExecutionStreamId(executionId),
          [{ id: nameBasedUuid(['execution-expired', executionId]), ...tombstone, metadata: { account: pipeline.account, actor: 'retention', correlationId: executionId, causationId: null, occurredAt: now.toISOString() } }],
          { expectedRevision: 'no_stream' },
        );
        lastPosition = appended.position;
      } catch (error) {
        if (error instanceof ConcurrencyError) continue; // another sweep expired it meanwhile
        throw error;
      }
      report.expiredExecutions.push({ pipelineExecutionId: executionId, pipelineName: pipeline.name, endedAt: state.run.lastUpdatedAt, retentionDays });
      report.logChunksDeleted += chunks.deleted;
      report.logChunksLeftShared += chunks.shared;
    }
    if (lastPosition !== undefined) await this.deps.waitForPosition(lastPosition);
    report.expiredExecutions.sort((a, b) => (a.endedAt < b.endedAt ? -1 : a.endedAt > b.endedAt ? 1 : 0));
    return report;
  }

  /** Deletes the chunks only this execution's log references (their `owner`); counts the older, shareable ones it leaves. */
  private async deleteLogChunks(executionId: string): Promise<{ deleted: number; shared: number }> {
    const { logStore } = this.deps;
    if (logStore === undefined) return { deleted: 0, shared: 0 };
    const owned = new Set<string>();
    const shared = new Set<string>();
    const streamId = actionLogStreamId(executionId);
    for (let from = 0n; ; ) {
      const batch = await this.deps.store.readStream(streamId, { from, maxCount: LOG_READ_BATCH });
      for (const event of batch) {
        const ref = (event.data as ActionLogAppended['data']).chunkRef;
        if (ref === undefined) continue;
        if (ref.owner === executionId) owned.add(ref.key);
        else shared.add(ref.key);
      }
      if (batch.length < LOG_READ_BATCH) break;
      from = batch.at(-1)!.revision + 1n;
    }
    for (const key of owned) await logStore.delete(key);
    return { deleted: owned.size, shared: shared.size };
  }
}
