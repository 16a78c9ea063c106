import { ExpiredError, NotFoundError, deliveryMetrics, deployTargetsOf, environmentStates, type DeliveryMetrics, newestFirst, unpromoted, type Deployment, type EnvironmentState, initialPipelineState, invalidInput, listPipelineExecutions, type ActionExecutionDetail, type ListPipelineExecutionsQuery, type PipelineExecutionPage, type PipelineExecutionSummary, type CurrentRevision, type DeployTarget, type PipelineStateView, type RuleExecutionDetail, type StageStateView, type ExecutionExpiry } from '../domain';
import { type DefinitionSnapshot, type PipelineRef } from '@sluice/contracts';
import type { ExecutionViews } from '../projections/execution-views';
import type { Caller } from './caller';
import type { PipelineDefinitions } from './pipeline-definitions';

export interface ListActionExecutionsQuery {
  pipelineExecutionId?: string;
  maxResults?: number;
  nextToken?: string | null;
}

export interface ActionExecutionPage {
  actionExecutionDetails: ActionExecutionDetail[];
  nextToken: string | null;
}

export interface RuleExecutionPage {
  ruleExecutionDetails: RuleExecutionDetail[];
  nextToken: string | null;
}

const DEFAULT_PAGE_SIZE = 100;

/** CodePipeline's read operations, answered from the engine's views (tables live, memory for time travel). */
export class ExecutionQueries {
  constructor(
    private readonly views: ExecutionViews,
    private readonly definitions: PipelineDefinitions,
  ) {}

  /** Per stage: the latest execution, the inbound transition, the actions' latest executions. */
  async getPipelineState(caller: Caller, pipelineName: string): Promise<PipelineStateView> {
    const pipeline = { account: caller.account, name: pipelineName };
    const view = await this.views.pipelineState(pipeline);
    const definition = this.definitions.latest(pipeline);
    if (view?.pipelineVersion != null && (!definition || definition.version <= view.pipelineVersion)) return view;
    if (!definition) {
      if (view) return view;
      throw new NotFoundError('pipeline', pipelineName);
    }
    // Not run yet, or updated since its latest run: the stages of the current definition (CodePipeline's state is the
    // pipeline's as it is now), each with what its latest run and the lanes say of it, a new stage or action with none.
    return stagesOf(definition, pipelineName, view ?? initialPipelineState);
  }

  async getPipelineExecution(caller: Caller, pipelineName: string, pipelineExecutionId: string): Promise<PipelineExecutionSummary> {
    // One read for what a client polls: the execution with its expiry, if it has one.
    const execution = await this.views.execution(pipelineExecutionId);
    if (execution?.expiry) refuseExpiry(caller, pipelineName, pipelineExecutionId, execution.expiry);
    else if (!execution) await this.refuseExpired(caller, pipelineName, pipelineExecutionId);
    if (!execution || !belongsTo(caller, pipelineName, execution.pipeline)) throw new NotFoundError('execution', pipelineExecutionId);
    return execution.summary;
  }

  async listPipelineExecutions(caller: Caller, pipelineName: string, query: Partial<ListPipelineExecutionsQuery> = {}): Promise<PipelineExecutionPage> {
    const summaries = await this.views.summaries({ account: caller.account, name: pipelineName });
    return listPipelineExecutions(summaries, { ...query, maxResults: query.maxResults ?? DEFAULT_PAGE_SIZE });
  }

  /** One execution's action attempts in start order, or every execution's, newest execution first. */
  async listActionExecutions(caller: Caller, pipelineName: string, query: ListActionExecutionsQuery = {}): Promise<ActionExecutionPage> {
    const pipeline = { account: caller.account, name: pipelineName };
    const executionId = await this.requireExecution(caller, pipelineName, query.pipelineExecutionId);
    const details = (await this.views.actionDetails(pipeline, executionId)) ?? [];
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const maxResults = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = details.slice(offset, offset + maxResults);
    return { actionExecutionDetails: page, nextToken: offset + page.length < details.length ? encodeOffset(offset + page.length) : null };
  }

  /** The revision a source action fetched in the latest execution that ran it (PutActionRevision compares with it). */
  async currentRevisionOf(caller: Caller, pipelineName: string, actionName: string): Promise<CurrentRevision | null> {
    const summaries = await this.views.summaries({ account: caller.account, name: pipelineName });
    for (const summary of summaries.reverse()) {
      const revision = summary.sourceRevisions.find((candidate) => candidate.actionName === actionName);
      if (revision) return { executionId: summary.pipelineExecutionId, revisionId: revision.revisionId };
    }
    return null;
  }

  /** Each environment the pipeline's Deploy actions name (issue 21): what runs there now, and its last attempt. */
  async listEnvironments(caller: Caller, pipelineName: string): Promise<EnvironmentState[]> {
    return environmentStates(await this.deploymentsOfPipeline(caller, pipelineName));
  }

  /** The deployments of the pipeline to one environment (or to all), newest first, paged as listActionExecutions. */
  async listDeployments(caller: Caller, pipelineName: string, environment: string | null, query: { maxResults?: number; nextToken?: string | null } = {}): Promise<{ deployments: Deployment[]; nextToken: string | null }> {
    const all = newestFirst((await this.deploymentsOfPipeline(caller, pipelineName)).filter((d) => environment === null || d.environment === environment));
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const page = all.slice(offset, offset + (query.maxResults ?? DEFAULT_PAGE_SIZE));
    return { deployments: page, nextToken: offset + page.length < all.length ? encodeOffset(offset + page.length) : null };
  }

  /** What was deployed to `from` and not yet to `to`: one deployment per set of revisions, newest first. */
  async listUnpromoted(caller: Caller, pipelineName: string, from: string, to: string): Promise<Deployment[]> {
    if (from === to) throw invalidInput('$.to', `from and to are both ${JSON.stringify(from)}: name two environments, e.g. from "staging" to "prod".`, 'same_environment');
    return unpromoted(await this.deploymentsOfPipeline(caller, pipelineName), from, to);
  }

  /**
   * DORA's metrics of one environment of the pipeline for [from, to) as known at asOf: asOf defaults to now, to to asOf,
   * from to 30 days before to. Instants are ISO-8601.
   */
  async deliveryMetrics(caller: Caller, pipelineName: string, environment: string, period: { from?: string | null; to?: string | null; asOf?: string | null }, now: Date = new Date()): Promise<DeliveryMetrics> {
    const instant = (value: string | null | undefined, field: string, fallback: string): string => {
      if (value === undefined || value === null) return fallback;
      const parsed = Date.parse(value);
      if (Number.isNaN(parsed)) throw invalidInput(`$.${field}`, `${field} must be an ISO-8601 instant (e.g. 2026-01-31T00:00:00Z), got ${JSON.stringify(value)}.`, 'invalid_instant');
      return new Date(parsed).toISOString();
    };
    const asOf = instant(period.asOf, 'asOf', now.toISOString());
    const to = instant(period.to, 'to', asOf);
    const from = instant(period.from, 'from', new Date(Date.parse(to) - 30 * 86_400_000).toISOString());
    if (from >= to) throw invalidInput('$.from', `from (${from}) must be before to (${to}).`, 'empty_period');
    return deliveryMetrics(await this.deploymentsOfPipeline(caller, pipelineName), environment, { from, to, asOf });
  }

  private async deploymentsOfPipeline(caller: Caller, pipelineName: string): Promise<Deployment[]> {
    const pipeline = { account: caller.account, name: pipelineName };
    const deployments = await this.views.deployments(pipeline);
    if (deployments === undefined && !this.definitions.latest(pipeline)) throw new NotFoundError('pipeline', pipelineName);
    return deployments ?? [];
  }

  /**
   * CodePipeline's ListDeployActionExecutionTargets: the targets of one deploy action execution of the account (of the
   * pipeline named, when one is). An action execution id starts with its execution's (`{execution}/{stage}/{action}/{attempt}`).
   */
  async listDeployActionExecutionTargets(caller: Caller, pipelineName: string | null, actionExecutionId: string): Promise<DeployTarget[]> {
    const executionId = actionExecutionId.split('/')[0]!;
    await this.refuseExpired(caller, pipelineName, executionId);
    const pipeline = await this.views.pipelineOf(executionId);
    const detail =
      pipeline && pipeline.account === caller.account && (pipelineName === null || pipeline.name === pipelineName)
        ? (await this.views.actionDetails(pipeline, executionId))?.find((candidate) => candidate.actionExecutionId === actionExecutionId)
        : undefined;
    if (!detail) throw new NotFoundError('action execution', actionExecutionId);
    return deployTargetsOf(detail);
  }

  /** CodePipeline's ListRuleExecutions: the stage conditions' rule evaluations, as listActionExecutions pages actions. */
  async listRuleExecutions(caller: Caller, pipelineName: string, query: ListActionExecutionsQuery = {}): Promise<RuleExecutionPage> {
    const pipeline = { account: caller.account, name: pipelineName };
    const executionId = await this.requireExecution(caller, pipelineName, query.pipelineExecutionId);
    const found = await this.views.ruleDetails(pipeline, executionId);
    if (found === undefined && executionId === null && !this.definitions.latest(pipeline)) throw new NotFoundError('pipeline', pipelineName);
    const details = found ?? [];
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const maxResults = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = details.slice(offset, offset + maxResults);
    return { ruleExecutionDetails: page, nextToken: offset + page.length < details.length ? encodeOffset(offset + page.length) : null };
  }

  /** The execution a list names, when it names one: expired or of another pipeline, it is refused; null when none is named. */
  private async requireExecution(caller: Caller, pipelineName: string, executionId: string | undefined): Promise<string | null> {
    if (executionId === undefined) return null;
    await this.refuseExpired(caller, pipelineName, executionId);
    const pipeline = await this.views.pipelineOf(executionId);
    if (!pipeline || !belongsTo(caller, pipelineName, pipeline)) throw new NotFoundError('execution', executionId);
    return executionId;
  }

  /** An execution of the caller's account (and of the pipeline named) that retention expired answers so, with when and why. */
  private async refuseExpired(caller: Caller, pipelineName: string | null, executionId: string): Promise<void> {
    const expiry = await this.views.expiryOf(executionId);
    if (expiry) refuseExpiry(caller, pipelineName, executionId, expiry);
  }
}

/** Throws `ExpiredError` when the expiry is of the caller's account (and of the pipeline named); another's says nothing. */
function refuseExpiry(caller: Caller, pipelineName: string | null, executionId: string, expiry: ExecutionExpiry): void {
  if (expiry.account === caller.account && (pipelineName === null || expiry.pipelineName === pipelineName)) {
    throw new ExpiredError('execution', executionId, expiry.expiredAt, expiry.retentionDays);
  }
}

const belongsTo = (caller: Caller, pipelineName: string, pipeline: PipelineRef): boolean => pipeline.account === caller.account && pipeline.name === pipelineName;

function stagesOf(definition: DefinitionSnapshot, pipelineName: string, known: PipelineStateView): PipelineStateView {
  const stageStates = definition.declaration.stages.map((stage): StageStateView => {
    const existing = known.stageStates.find((candidate) => candidate.stageName === stage.name);
    return {
      stageName: stage.name,
      inboundTransitionState: existing?.inboundTransitionState ?? { enabled: true, disabledReason: null, lastChangedBy: null, lastChangedAt: null },
      latestExecution: existing?.latestExecution ?? null,
      actionStates: stage.actions.map((action) => existing?.actionStates.find((candidate) => candidate.actionName === action.name) ?? { actionName: action.name, latestExecution: null }),
    };
  });
  return { pipelineName, pipelineVersion: definition.version, stageStates, updated: known.updated };
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // reported below, as any other token this service did not issue
  }
  throw invalidInput('$.nextToken', 'The nextToken was not issued by listActionExecutions or listRuleExecutions.', 'invalid_input', 'INVALID_CURSOR');
}
