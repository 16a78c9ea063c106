import { ExpiredError, NotFoundError, deliveryMetrics, deployTargetsOf, environmentStates, type DeliveryMetrics, newestFirst, unpromoted, type Deployment, type EnvironmentState, initialPipelineState, invalidInput, listPipelineExecutions, summaryOf, type ActionExecutionDetail, type ListPipelineExecutionsQuery, type PipelineExecutionPage, type PipelineExecutionSummary, type CurrentRevision, type DeployTarget, type PipelineStateView, type RuleExecutionDetail, type StageStateView } from '../domain';
import { type DefinitionSnapshot, type PipelineRef } from '@sluice/contracts';
import type { ExecutionReadModels } from '../projections/execution-read-models';
import type { StreamStates } from '../projections/stream-states';
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

/** CodePipeline's read operations, answered from the in-memory read models. */
export class ExecutionQueries {
  constructor(
    private readonly states: StreamStates,
    private readonly readModels: ExecutionReadModels,
    private readonly definitions: PipelineDefinitions,
  ) {}

  /** Per stage: the latest execution, the inbound transition, the actions' latest executions. */
  getPipelineState(caller: Caller, pipelineName: string): PipelineStateView {
    const pipeline = { account: caller.account, name: pipelineName };
    const view = this.readModels.pipelineState(pipeline);
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

  getPipelineExecution(caller: Caller, pipelineName: string, pipelineExecutionId: string): PipelineExecutionSummary {
    this.refuseExpired(caller, pipelineName, pipelineExecutionId);
    const summary = summaryOf(this.states.execution(pipelineExecutionId).state);
    if (!summary || !this.belongs(caller, pipelineName, pipelineExecutionId)) throw new NotFoundError('execution', pipelineExecutionId);
    return summary;
  }

  listPipelineExecutions(caller: Caller, pipelineName: string, query: Partial<ListPipelineExecutionsQuery> = {}): PipelineExecutionPage {
    const pipeline = { account: caller.account, name: pipelineName };
    const summaries = this.readModels.executionIdsOf(pipeline).flatMap((executionId) => summaryOf(this.states.execution(executionId).state) ?? []);
    return listPipelineExecutions(summaries, { ...query, maxResults: query.maxResults ?? DEFAULT_PAGE_SIZE });
  }

  /** One execution's action attempts in start order, or every execution's, newest execution first. */
  listActionExecutions(caller: Caller, pipelineName: string, query: ListActionExecutionsQuery = {}): ActionExecutionPage {
    const pipeline = { account: caller.account, name: pipelineName };
    if (query.pipelineExecutionId !== undefined) this.refuseExpired(caller, pipelineName, query.pipelineExecutionId);
    if (query.pipelineExecutionId !== undefined && !this.belongs(caller, pipelineName, query.pipelineExecutionId)) {
      throw new NotFoundError('execution', query.pipelineExecutionId);
    }
    const executionIds = query.pipelineExecutionId !== undefined ? [query.pipelineExecutionId] : [...this.readModels.executionIdsOf(pipeline)].reverse();
    const details = executionIds.flatMap((executionId) => this.readModels.actionExecutionsOf(executionId)?.details ?? []);
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const maxResults = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = details.slice(offset, offset + maxResults);
    return { actionExecutionDetails: page, nextToken: offset + page.length < details.length ? encodeOffset(offset + page.length) : null };
  }

  /** The revision a source action fetched in the latest execution that ran it (PutActionRevision compares with it). */
  currentRevisionOf(caller: Caller, pipelineName: string, actionName: string): CurrentRevision | null {
    const executionIds = [...this.readModels.executionIdsOf({ account: caller.account, name: pipelineName })].reverse();
    for (const executionId of executionIds) {
      const revision = summaryOf(this.states.execution(executionId).state)?.sourceRevisions.find((candidate) => candidate.actionName === actionName);
      if (revision) return { executionId, revisionId: revision.revisionId };
    }
    return null;
  }

  /** Each environment the pipeline's Deploy actions name (issue 21): what runs there now, and its last attempt. */
  listEnvironments(caller: Caller, pipelineName: string): EnvironmentState[] {
    return environmentStates(this.deploymentsOfPipeline(caller, pipelineName));
  }

  /** The deployments of the pipeline to one environment (or to all), newest first, paged as listActionExecutions. */
  listDeployments(caller: Caller, pipelineName: string, environment: string | null, query: { maxResults?: number; nextToken?: string | null } = {}): { deployments: Deployment[]; nextToken: string | null } {
    const all = newestFirst(this.deploymentsOfPipeline(caller, pipelineName).filter((d) => environment === null || d.environment === environment));
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const page = all.slice(offset, offset + (query.maxResults ?? DEFAULT_PAGE_SIZE));
    return { deployments: page, nextToken: offset + page.length < all.length ? encodeOffset(offset + page.length) : null };
  }

  /** What was deployed to `from` and not yet to `to`: one deployment per set of revisions, newest first. */
  listUnpromoted(caller: Caller, pipelineName: string, from: string, to: string): Deployment[] {
    if (from === to) throw invalidInput('$.to', `from and to are both ${JSON.stringify(from)}: name two environments, e.g. from "staging" to "prod".`, 'same_environment');
    return unpromoted(this.deploymentsOfPipeline(caller, pipelineName), from, to);
  }

  /**
   * DORA's metrics of one environment of the pipeline for [from, to) as known at asOf: asOf defaults to now, to to asOf,
   * from to 30 days before to. Instants are ISO-8601.
   */
  deliveryMetrics(caller: Caller, pipelineName: string, environment: string, period: { from?: string | null; to?: string | null; asOf?: string | null }, now: Date = new Date()): DeliveryMetrics {
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
    return deliveryMetrics(this.deploymentsOfPipeline(caller, pipelineName), environment, { from, to, asOf });
  }

  private deploymentsOfPipeline(caller: Caller, pipelineName: string): Deployment[] {
    const pipeline = { account: caller.account, name: pipelineName };
    const executionIds = this.readModels.executionIdsOf(pipeline);
    if (executionIds.length === 0 && !this.definitions.latest(pipeline)) throw new NotFoundError('pipeline', pipelineName);
    return executionIds.flatMap((executionId) => this.readModels.deploymentsOf(executionId)?.deployments ?? []);
  }

  /**
   * CodePipeline's ListDeployActionExecutionTargets: the targets of one deploy action execution of the account (of the
   * pipeline named, when one is). An action execution id starts with its execution's (`{execution}/{stage}/{action}/{attempt}`).
   */
  listDeployActionExecutionTargets(caller: Caller, pipelineName: string | null, actionExecutionId: string): DeployTarget[] {
    const executionId = actionExecutionId.split('/')[0]!;
    this.refuseExpired(caller, pipelineName, executionId);
    const pipeline = this.readModels.pipelineOf(executionId);
    const detail =
      pipeline && pipeline.account === caller.account && (pipelineName === null || pipeline.name === pipelineName)
        ? this.readModels.actionExecutionsOf(executionId)?.details.find((candidate) => candidate.actionExecutionId === actionExecutionId)
        : undefined;
    if (!detail) throw new NotFoundError('action execution', actionExecutionId);
    return deployTargetsOf(detail);
  }

  /** CodePipeline's ListRuleExecutions: the stage conditions' rule evaluations, as listActionExecutions pages actions. */
  listRuleExecutions(caller: Caller, pipelineName: string, query: ListActionExecutionsQuery = {}): RuleExecutionPage {
    const pipeline = { account: caller.account, name: pipelineName };
    if (query.pipelineExecutionId !== undefined) this.refuseExpired(caller, pipelineName, query.pipelineExecutionId);
    if (query.pipelineExecutionId !== undefined && !this.belongs(caller, pipelineName, query.pipelineExecutionId)) {
      throw new NotFoundError('execution', query.pipelineExecutionId);
    }
    const executionIds = query.pipelineExecutionId !== undefined ? [query.pipelineExecutionId] : [...this.readModels.executionIdsOf(pipeline)].reverse();
    if (executionIds.length === 0 && !this.definitions.latest(pipeline)) throw new NotFoundError('pipeline', pipelineName);
    const details = executionIds.flatMap((executionId) => this.readModels.ruleExecutionsOf(executionId)?.details ?? []);
    const offset = query.nextToken ? decodeOffset(query.nextToken) : 0;
    const maxResults = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = details.slice(offset, offset + maxResults);
    return { ruleExecutionDetails: page, nextToken: offset + page.length < details.length ? encodeOffset(offset + page.length) : null };
  }

  /** An execution of the caller's account (and of the pipeline named) that retention expired answers so, with when and why. */
  private refuseExpired(caller: Caller, pipelineName: string | null, executionId: string): void {
    const expiry = this.readModels.expiryOf(executionId);
    if (expiry && expiry.account === caller.account && (pipelineName === null || expiry.pipelineName === pipelineName)) {
      throw new ExpiredError('execution', executionId, expiry.expiredAt, expiry.retentionDays);
    }
  }

  private belongs(caller: Caller, pipelineName: string, executionId: string): boolean {
    const pipeline: PipelineRef | undefined = this.readModels.pipelineOf(executionId);
    return pipeline !== undefined && pipeline.account === caller.account && pipeline.name === pipelineName;
  }
}

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
