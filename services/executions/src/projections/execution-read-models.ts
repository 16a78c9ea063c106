import { evolvePipelineState, initialPipelineState, summaryOf, type ExecutionExpiry, type PipelineExecutionExpired, type PipelineStateView } from '../domain';
import { LANES_STREAM_PREFIX, type PipelineRef } from '@sluice/contracts';
import { pipelineKey } from './pipeline-key';
import type { FoldedEvent, StreamStates } from './stream-states';
import { approvalOpenedBy, evolveExecutionStreamViews, initialExecutionStreamViews, type ApprovalLocation, type ExecutionStreamViews, type ExecutionViews } from './execution-views';

export type { ApprovalLocation } from './execution-views';

/**
 * The query side of the engine's streams folded in memory, with the domain's read-model folds: per pipeline its
 * state (getPipelineState) and executions, per execution its views, and where each approval request is. Time travel
 * folds the store up to an instant into it (docs/decisions/0022); the live service keeps the same views in tables
 * (ExecutionsReadModel, decision 0069).
 */
export class ExecutionReadModels {
  private readonly pipelineStates = new Map<string, PipelineStateView>();
  private readonly executionsOfPipeline = new Map<string, string[]>();
  private readonly pipelineOfExecution = new Map<string, PipelineRef>();
  private readonly views = new Map<string, ExecutionStreamViews>();
  private readonly approvals = new Map<string, ApprovalLocation>();
  /** Executions retention expired (docs/decisions/0056): left out of every list, answered "expired" by id. */
  private readonly expired = new Map<string, ExecutionExpiry>();

  apply(folded: FoldedEvent): void {
    if (folded.aggregate === 'lanes') {
      const key = folded.streamId.slice(LANES_STREAM_PREFIX.length);
      this.pipelineStates.set(key, evolvePipelineState(this.pipelineStates.get(key) ?? initialPipelineState, { stream: 'lanes', event: folded.event }));
      return;
    }
    if (folded.aggregate !== 'execution' || folded.state.status === 'NotStarted') return;
    const { event } = folded;
    const executionId = folded.state.run.executionId;
    const pipeline = folded.state.run.inputs.pipeline;
    const key = pipelineKey(pipeline);
    if (event.type === 'PipelineExecutionStarted') {
      this.pipelineOfExecution.set(executionId, pipeline);
      const executions = this.executionsOfPipeline.get(key) ?? [];
      executions.push(executionId);
      this.executionsOfPipeline.set(key, executions);
    }
    const approval = approvalOpenedBy(executionId, event);
    if (approval) this.approvals.set(...approval);
    this.pipelineStates.set(key, evolvePipelineState(this.pipelineStates.get(key) ?? initialPipelineState, { stream: 'execution', executionId, event }));
    if (!this.expired.has(executionId)) this.views.set(executionId, evolveExecutionStreamViews(this.views.get(executionId) ?? initialExecutionStreamViews, event));
  }

  /**
   * Folds a retention tombstone: the execution leaves its pipeline's list and its views are dropped; the pipeline it
   * belonged to is kept, so a query by id in another account still answers "not found" and in its own "expired".
   */
  expire(event: PipelineExecutionExpired): void {
    const { pipelineExecutionId: executionId, account, pipelineName, expiredAt, retentionDays } = event.data;
    this.expired.set(executionId, { account, pipelineName, expiredAt, retentionDays });
    this.views.delete(executionId);
  }

  /** Why an execution is no longer answered, when retention expired it. */
  expiryOf(executionId: string): ExecutionExpiry | undefined {
    return this.expired.get(executionId);
  }

  pipelineState(pipeline: PipelineRef): PipelineStateView | undefined {
    return this.pipelineStates.get(pipelineKey(pipeline));
  }

  /** In start order, the expired left out. */
  executionIdsOf(pipeline: PipelineRef): string[] {
    return (this.executionsOfPipeline.get(pipelineKey(pipeline)) ?? []).filter((executionId) => !this.expired.has(executionId));
  }

  pipelineOf(executionId: string): PipelineRef | undefined {
    return this.pipelineOfExecution.get(executionId);
  }

  viewsOf(executionId: string): ExecutionStreamViews | undefined {
    return this.views.get(executionId);
  }

  approval(token: string): ApprovalLocation | undefined {
    return this.approvals.get(token);
  }
}

/** The queries' views over folds held in memory: the states give the summaries, the read models the rest. */
export class MemoryExecutionViews implements ExecutionViews {
  constructor(
    private readonly states: StreamStates,
    private readonly readModels: ExecutionReadModels,
  ) {}

  async pipelineState(pipeline: PipelineRef) {
    return this.readModels.pipelineState(pipeline);
  }

  async execution(executionId: string) {
    const summary = summaryOf(this.states.execution(executionId).state);
    const pipeline = this.readModels.pipelineOf(executionId);
    const expiry = this.readModels.expiryOf(executionId);
    return summary && pipeline ? { pipeline, summary, ...(expiry ? { expiry } : {}) } : undefined;
  }

  async pipelineOf(executionId: string) {
    return this.readModels.pipelineOf(executionId);
  }

  async summaries(pipeline: PipelineRef) {
    return this.readModels.executionIdsOf(pipeline).flatMap((executionId) => summaryOf(this.states.execution(executionId).state) ?? []);
  }

  async actionDetails(pipeline: PipelineRef, executionId: string | null) {
    return this.detailsOf(pipeline, executionId, (views) => views.actionExecutions.details);
  }

  async ruleDetails(pipeline: PipelineRef, executionId: string | null) {
    return this.detailsOf(pipeline, executionId, (views) => views.ruleExecutions.details);
  }

  async deployments(pipeline: PipelineRef) {
    const executionIds = this.readModels.executionIdsOf(pipeline);
    if (executionIds.length === 0) return undefined;
    return executionIds.flatMap((executionId) => this.readModels.viewsOf(executionId)?.deployments?.deployments ?? []);
  }

  async approval(token: string) {
    return this.readModels.approval(token);
  }

  async expiryOf(executionId: string) {
    return this.readModels.expiryOf(executionId);
  }

  private detailsOf<T>(pipeline: PipelineRef, executionId: string | null, details: (views: ExecutionStreamViews) => T[]): T[] | undefined {
    const executionIds = this.readModels.executionIdsOf(pipeline);
    if (executionId !== null) {
      if (!executionIds.includes(executionId)) return undefined;
      const views = this.readModels.viewsOf(executionId);
      return views ? details(views) : [];
    }
    if (executionIds.length === 0) return undefined;
    return [...executionIds].reverse().flatMap((id) => {
      const views = this.readModels.viewsOf(id);
      return views ? details(views) : [];
    });
  }
}
