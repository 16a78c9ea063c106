import {
  evolveActionExecutions,
  evolveExecutionDeployments,
  evolveRuleExecutions,
  initialActionExecutionsView,
  initialRuleExecutionsView,
  type ActionExecutionDetail,
  type ActionExecutionsView,
  type Deployment,
  type ExecutionDeploymentsView,
  type ExecutionExpiry,
  type PipelineExecutionSummary,
  type PipelineStateView,
  type RuleExecutionDetail,
  type RuleExecutionsView,
} from '../domain';
import type { ExecutionEvent, PipelineRef } from '@sluice/contracts';

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
 * What the queries read of the engine's streams: per pipeline its state and executions, per execution its summary,
 * action and rule executions and deployments, where each approval request sits, and which executions retention
 * expired. Two implementations: the tables of the durable read model (the live service, decision 0069) and the
 * in-memory folds (time travel folds the store up to an instant in memory, decision 0022).
 */
export interface ExecutionViews {
  pipelineState(pipeline: PipelineRef): Promise<PipelineStateView | undefined>;
  /** The execution's summary and pipeline, and its expiry if retention expired it; undefined for one never started. */
  execution(executionId: string): Promise<{ pipeline: PipelineRef; summary: PipelineExecutionSummary; expiry?: ExecutionExpiry } | undefined>;
  pipelineOf(executionId: string): Promise<PipelineRef | undefined>;
  /** The summaries of the pipeline's executions retention has not expired, in start order. */
  summaries(pipeline: PipelineRef): Promise<PipelineExecutionSummary[]>;
  /**
   * The action attempts of one execution of the pipeline in start order, or (executionId null) of every execution,
   * newest execution first; undefined when the pipeline has no such execution.
   */
  actionDetails(pipeline: PipelineRef, executionId: string | null): Promise<ActionExecutionDetail[] | undefined>;
  /** The stage conditions' rule evaluations, as `actionDetails` gives action attempts. */
  ruleDetails(pipeline: PipelineRef, executionId: string | null): Promise<RuleExecutionDetail[] | undefined>;
  /** The deployments of the pipeline's executions, in start order; undefined when the pipeline has no execution. */
  deployments(pipeline: PipelineRef): Promise<Deployment[] | undefined>;
  approval(token: string): Promise<ApprovalLocation | undefined>;
  /** Why an execution is no longer answered, when retention expired it (decision 0056). */
  expiryOf(executionId: string): Promise<ExecutionExpiry | undefined>;
}

/** One execution's views, folded from its own stream alone. */
export interface ExecutionStreamViews {
  actionExecutions: ActionExecutionsView;
  ruleExecutions: RuleExecutionsView;
  /** Null for an execution whose definition names no environment (issue 21). */
  deployments: ExecutionDeploymentsView | null;
}

export const initialExecutionStreamViews: ExecutionStreamViews = { actionExecutions: initialActionExecutionsView, ruleExecutions: initialRuleExecutionsView, deployments: null };

/** The views after one more event of the execution's stream: what both implementations fold, so neither has a rule of its own. */
export function evolveExecutionStreamViews(views: ExecutionStreamViews, event: ExecutionEvent): ExecutionStreamViews {
  return {
    actionExecutions: evolveActionExecutions(views.actionExecutions, event),
    ruleExecutions: evolveRuleExecutions(views.ruleExecutions, event),
    deployments: evolveExecutionDeployments(views.deployments, event),
  };
}

/** The approval request an event opens, if it opens one. */
export function approvalOpenedBy(executionId: string, event: ExecutionEvent): [token: string, location: ApprovalLocation] | undefined {
  if (event.type !== 'ActionExecutionStarted' || event.data.work.kind !== 'Approval') return undefined;
  return [event.data.work.token, { executionId, stageName: event.data.stageName, actionName: event.data.actionName }];
}
