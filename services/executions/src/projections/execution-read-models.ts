import {
  evolveActionExecutions,
  evolveExecutionDeployments,
  type ExecutionDeploymentsView,
  evolvePipelineState,
  evolveRuleExecutions,
  initialActionExecutionsView,
  initialPipelineState,
  initialRuleExecutionsView,
  type ActionExecutionsView,
  type ExecutionExpiry,
  type PipelineExecutionExpired,
  type PipelineStateView,
  type RuleExecutionsView,
} from '../domain';
import { LANES_STREAM_PREFIX, type PipelineRef } from '@sluice/contracts';
import { pipelineKey } from './pipeline-key';
import type { FoldedEvent } from './stream-states';

/**
 * Where a manual approval request sits: putApprovalResult names only the pipeline, stage, action and token.
 * Tokens are drawn (fresh-ids.ts), so this is the only way from a token to its execution; an answered request
 * stays, so a second answer is refused by the execution (a conflict), not taken for an unknown token.
 */
export interface ApprovalLocation {
  executionId: string;
  stageName: string;
  actionName: string;
}

/**
 * The query side of the engine's streams, folded with the domain's read-model folds: per pipeline its
 * state (getPipelineState) and executions, per execution its action executions, and where each approval request is.
 */
export class ExecutionReadModels {
  private readonly pipelineStates = new Map<string, PipelineStateView>();
  private readonly executionsOfPipeline = new Map<string, string[]>();
  private readonly pipelineOfExecution = new Map<string, PipelineRef>();
  private readonly actionExecutions = new Map<string, ActionExecutionsView>();
  private readonly ruleExecutions = new Map<string, RuleExecutionsView>();
  private readonly approvals = new Map<string, ApprovalLocation>();
  /** Only executions whose definition names an environment (issue 21). */
  private readonly deployments = new Map<string, ExecutionDeploymentsView>();
  /** Executions retention expired (docs/decisions/0056): left out of every list, answered "expired" by id. */
  private readonly expired = new Map<string, ExecutionExpiry>();
  /** Pipelines whose list still holds executions expired since it was last read. */
  private readonly uncompacted = new Set<string>();

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
    if (event.type === 'ActionExecutionStarted' && event.data.work.kind === 'Approval') {
      this.approvals.set(event.data.work.token, { executionId, stageName: event.data.stageName, actionName: event.data.actionName });
    }
    this.pipelineStates.set(key, evolvePipelineState(this.pipelineStates.get(key) ?? initialPipelineState, { stream: 'execution', executionId, event }));
    this.actionExecutions.set(executionId, evolveActionExecutions(this.actionExecutions.get(executionId) ?? initialActionExecutionsView, event));
    this.ruleExecutions.set(executionId, evolveRuleExecutions(this.ruleExecutions.get(executionId) ?? initialRuleExecutionsView, event));
    const deployments = evolveExecutionDeployments(this.deployments.get(executionId) ?? null, event);
    if (deployments) this.deployments.set(executionId, deployments);
  }

  /** Everything folded: what a rebuilt copy must equal (docs/decisions/0022). */
  contents() {
    for (const key of [...this.uncompacted]) this.compacted(key);
    return {
      pipelineStates: this.pipelineStates,
      executionsOfPipeline: this.executionsOfPipeline,
      pipelineOfExecution: this.pipelineOfExecution,
      actionExecutions: this.actionExecutions,
      ruleExecutions: this.ruleExecutions,
      approvals: this.approvals,
      deployments: this.deployments,
      expired: this.expired,
    };
  }

  /**
   * Folds a retention tombstone: the execution leaves its pipeline's list and its per-execution views (what lists and
   * environments are made of) are dropped; the pipeline it belonged to is kept, so a query by id in another account
   * still answers "not found" and in its own "expired".
   */
  expire(event: PipelineExecutionExpired): void {
    const { pipelineExecutionId: executionId, account, pipelineName, expiredAt, retentionDays } = event.data;
    this.expired.set(executionId, { account, pipelineName, expiredAt, retentionDays });
    // Left in the pipeline's list until it is next read: a replay of many tombstones then filters each list once.
    const key = pipelineKey({ account, name: pipelineName });
    if (this.executionsOfPipeline.has(key)) this.uncompacted.add(key);
    this.actionExecutions.delete(executionId);
    this.ruleExecutions.delete(executionId);
    this.deployments.delete(executionId);
  }

  /** The pipeline's list without the executions expired since it was last read. */
  private compacted(key: string): string[] | undefined {
    const executions = this.executionsOfPipeline.get(key);
    if (executions === undefined || !this.uncompacted.delete(key)) return executions;
    const remaining = executions.filter((id) => !this.expired.has(id));
    if (remaining.length > 0) this.executionsOfPipeline.set(key, remaining);
    else this.executionsOfPipeline.delete(key);
    return remaining.length > 0 ? remaining : undefined;
  }

  /** Why an execution is no longer answered, when retention expired it. */
  expiryOf(executionId: string): ExecutionExpiry | undefined {
    return this.expired.get(executionId);
  }

  pipelineState(pipeline: PipelineRef): PipelineStateView | undefined {
    return this.pipelineStates.get(pipelineKey(pipeline));
  }

  /** In start order. */
  executionIdsOf(pipeline: PipelineRef): readonly string[] {
    return this.compacted(pipelineKey(pipeline)) ?? [];
  }

  pipelineOf(executionId: string): PipelineRef | undefined {
    return this.pipelineOfExecution.get(executionId);
  }

  actionExecutionsOf(executionId: string): ActionExecutionsView | undefined {
    return this.actionExecutions.get(executionId);
  }

  ruleExecutionsOf(executionId: string): RuleExecutionsView | undefined {
    return this.ruleExecutions.get(executionId);
  }

  deploymentsOf(executionId: string): ExecutionDeploymentsView | undefined {
    return this.deployments.get(executionId);
  }

  approval(token: string): ApprovalLocation | undefined {
    return this.approvals.get(token);
  }
}
