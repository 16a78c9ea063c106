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
    return {
      pipelineStates: this.pipelineStates,
      executionsOfPipeline: this.executionsOfPipeline,
      pipelineOfExecution: this.pipelineOfExecution,
      actionExecutions: this.actionExecutions,
      ruleExecutions: this.ruleExecutions,
      approvals: this.approvals,
      deployments: this.deployments,
    };
  }

  pipelineState(pipeline: PipelineRef): PipelineStateView | undefined {
    return this.pipelineStates.get(pipelineKey(pipeline));
  }

  /** In start order. */
  executionIdsOf(pipeline: PipelineRef): readonly string[] {
    return this.executionsOfPipeline.get(pipelineKey(pipeline)) ?? [];
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
