import { BUILT_IN_RULE_TYPES } from '../application/engine/built-in-rules';
import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ValidationError, type StageRetryMode } from '@sluice/domain';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import type { PutApprovalResultInput } from '../application/execution-command-handlers';
import type { PipelineExecutionSummary, SourceRevisionOverride, VariableOverride } from '../domain';
import { pageSize } from './request-limits';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';

interface PipelineExecutionFilter {
  statuses?: Array<PipelineExecutionSummary['status']> | null;
  triggerTypes?: Array<PipelineExecutionSummary['trigger']['triggerType']> | null;
}

/** Executions: CodePipeline's operations translated to the engine and back; no decision here. */
@Resolver()
export class PipelineExecutionResolver {
  constructor(@Inject(EXECUTIONS_APPLICATION) private readonly app: ExecutionsApplication) {}

  @Mutation('startPipelineExecution')
  async startPipelineExecution(
    @CallerOf() caller: Caller,
    @Args('name') name: string,
    @Args('variables') variables?: VariableOverride[] | null,
    @Args('sourceRevisions') sourceRevisions?: SourceRevisionOverride[] | null,
    @Args('clientRequestToken') clientRequestToken?: string | null,
  ) {
    const { pipelineExecutionId } = await this.app.executions.startPipelineExecution(caller, { name, variables: variables ?? [], sourceRevisions: sourceRevisions ?? [], clientRequestToken });
    return this.app.queries.getPipelineExecution(caller, name, pipelineExecutionId);
  }

  @Mutation('startTriggeredExecution')
  async startTriggeredExecution(
    @CallerOf() caller: Caller,
    @Args('name') name: string,
    @Args('sourceRevisions') sourceRevisions: SourceRevisionOverride[],
    @Args('clientRequestToken') clientRequestToken: string,
    @Args('triggerType') triggerType: string,
    @Args('triggerDetail') triggerDetail: string,
  ) {
    if (triggerType !== 'Webhook' && triggerType !== 'PollForSourceChanges') {
      throw new ValidationError([{ path: '$.triggerType', code: 'invalid_trigger', message: `triggerType must be Webhook or PollForSourceChanges, not ${JSON.stringify(triggerType)}.` }]);
    }
    const trigger = { triggerType: triggerType as 'Webhook' | 'PollForSourceChanges', triggerDetail };
    const { pipelineExecutionId } = await this.app.executions.startPipelineExecution(caller, { name, variables: [], sourceRevisions, clientRequestToken, trigger });
    return this.app.queries.getPipelineExecution(caller, name, pipelineExecutionId);
  }

  @Mutation('putActionRevision')
  async putActionRevision(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('actionName') actionName: string,
    @Args('actionRevision') actionRevision: { revisionId: string },
  ) {
    const current = await this.app.queries.currentRevisionOf(caller, pipelineName, actionName);
    return this.app.executions.putActionRevision(caller, { pipelineName, stageName, actionName, revisionId: actionRevision.revisionId }, current);
  }

  @Mutation('overrideStageCondition')
  async overrideStageCondition(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('pipelineExecutionId') pipelineExecutionId: string,
    @Args('conditionType') conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS',
  ) {
    const condition = conditionType === 'BEFORE_ENTRY' ? 'beforeEntry' : 'onSuccess';
    await this.app.executions.overrideStageCondition(caller, { pipelineName, stageName, pipelineExecutionId, condition });
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Mutation('stopPipelineExecution')
  async stopPipelineExecution(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('pipelineExecutionId') pipelineExecutionId: string,
    @Args('abandon') abandon?: boolean | null,
    @Args('reason') reason?: string | null,
  ) {
    await this.app.executions.stopPipelineExecution(caller, { pipelineName, pipelineExecutionId, abandon: abandon ?? false, reason: reason ?? '' });
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Mutation('retryStageExecution')
  async retryStageExecution(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('pipelineExecutionId') pipelineExecutionId: string,
    @Args('retryMode') retryMode: StageRetryMode,
  ) {
    await this.app.executions.retryStageExecution(caller, { pipelineName, stageName, pipelineExecutionId, retryMode });
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Mutation('rollbackStage')
  async rollbackStage(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('targetPipelineExecutionId') targetPipelineExecutionId: string,
  ) {
    const { pipelineExecutionId } = await this.app.executions.rollbackStage(caller, { pipelineName, stageName, targetPipelineExecutionId });
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Mutation('rerunStage')
  async rerunStage(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('sourcePipelineExecutionId') sourcePipelineExecutionId: string,
    @Args('clientRequestToken') clientRequestToken: string | null,
  ) {
    const { pipelineExecutionId } = await this.app.executions.rerunStage(caller, { pipelineName, stageName, sourcePipelineExecutionId, clientRequestToken });
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Mutation('putApprovalResult')
  putApprovalResult(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('actionName') actionName: string,
    @Args('result') result: PutApprovalResultInput['result'],
    @Args('token') token: string,
  ) {
    return this.app.executions.putApprovalResult(caller, { pipelineName, stageName, actionName, result, token });
  }

  @Query('getPipelineState')
  getPipelineState(@CallerOf() caller: Caller, @Args('name') name: string) {
    return this.app.queries.getPipelineState(caller, name);
  }

  @Query('getPipelineExecution')
  getPipelineExecution(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('pipelineExecutionId') pipelineExecutionId: string) {
    return this.app.queries.getPipelineExecution(caller, pipelineName, pipelineExecutionId);
  }

  @Query('listPipelineExecutions')
  async listPipelineExecutions(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('first') first?: number | null,
    @Args('after') after?: string | null,
    @Args('filter') filter?: PipelineExecutionFilter | null,
  ) {
    const page = await this.app.queries.listPipelineExecutions(caller, pipelineName, {
      maxResults: pageSize(first),
      nextToken: after,
      ...(filter?.statuses ? { statuses: filter.statuses } : {}),
      ...(filter?.triggerTypes ? { triggerTypes: filter.triggerTypes } : {}),
    });
    return { nodes: page.pipelineExecutionSummaries, pageInfo: { hasNextPage: page.nextToken !== null, endCursor: page.nextToken } };
  }

  @Query('listActionExecutions')
  async listActionExecutions(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('pipelineExecutionId') pipelineExecutionId?: string | null,
    @Args('first') first?: number | null,
    @Args('after') after?: string | null,
  ) {
    const page = await this.app.queries.listActionExecutions(caller, pipelineName, {
      ...(pipelineExecutionId != null ? { pipelineExecutionId } : {}),
      maxResults: pageSize(first),
      nextToken: after,
    });
    return { nodes: page.actionExecutionDetails, pageInfo: { hasNextPage: page.nextToken !== null, endCursor: page.nextToken } };
  }

  @Query('listRuleExecutions')
  async listRuleExecutions(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('pipelineExecutionId') pipelineExecutionId?: string | null,
    @Args('first') first?: number | null,
    @Args('after') after?: string | null,
  ) {
    const page = await this.app.queries.listRuleExecutions(caller, pipelineName, {
      ...(pipelineExecutionId != null ? { pipelineExecutionId } : {}),
      maxResults: pageSize(first),
      nextToken: after,
    });
    const nodes = page.ruleExecutionDetails.map(({ input, output, ...detail }) => ({ ...detail, ruleTypeId: input.ruleTypeId, configuration: input.configuration, summary: output.summary }));
    return { nodes, pageInfo: { hasNextPage: page.nextToken !== null, endCursor: page.nextToken } };
  }

  @Query('listEnvironments')
  listEnvironments(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string) {
    return this.app.queries.listEnvironments(caller, pipelineName);
  }

  @Query('listDeployments')
  async listDeployments(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('environment') environment?: string | null,
    @Args('first') first?: number | null,
    @Args('after') after?: string | null,
  ) {
    const page = await this.app.queries.listDeployments(caller, pipelineName, environment ?? null, { maxResults: pageSize(first), nextToken: after ?? null });
    return { nodes: page.deployments, pageInfo: { hasNextPage: page.nextToken !== null, endCursor: page.nextToken } };
  }

  @Query('listUnpromoted')
  listUnpromoted(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('from') from: string, @Args('to') to: string) {
    return this.app.queries.listUnpromoted(caller, pipelineName, from, to);
  }

  @Query('deliveryMetrics')
  deliveryMetrics(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('environment') environment: string,
    @Args('from') from?: string | null,
    @Args('to') to?: string | null,
    @Args('asOf') asOf?: string | null,
  ) {
    return this.app.queries.deliveryMetrics(caller, pipelineName, environment, { from, to, asOf });
  }

  @Query('listEnvironmentFreezes')
  listEnvironmentFreezes(@CallerOf() caller: Caller, @Args('environment') environment?: string | null) {
    return this.app.freezes.list(caller, environment ?? null);
  }

  @Mutation('scheduleEnvironmentFreeze')
  scheduleEnvironmentFreeze(
    @CallerOf() caller: Caller,
    @Args('environment') environment: string,
    @Args('endsAt') endsAt: string,
    @Args('reason') reason: string,
    @Args('startsAt') startsAt?: string | null,
  ) {
    return this.app.freezes.schedule(caller, { environment, startsAt: startsAt ?? null, endsAt, reason });
  }

  @Query('getRetentionSettings')
  getRetentionSettings(@CallerOf() caller: Caller) {
    return this.app.retention.get(caller);
  }

  @Mutation('putRetentionSettings')
  putRetentionSettings(@CallerOf() caller: Caller, @Args('retentionDays') retentionDays: number) {
    return this.app.retention.put(caller, retentionDays);
  }

  @Mutation('runRetentionSweep')
  runRetentionSweep(@CallerOf() caller: Caller) {
    return this.app.retentionSweep.sweep(caller.account);
  }

  @Mutation('liftEnvironmentFreeze')
  liftEnvironmentFreeze(@CallerOf() caller: Caller, @Args('freezeId') freezeId: string) {
    return this.app.freezes.lift(caller, freezeId);
  }

  @Query('listDeployActionExecutionTargets')
  listDeployActionExecutionTargets(@CallerOf() caller: Caller, @Args('actionExecutionId') actionExecutionId: string, @Args('pipelineName') pipelineName?: string | null) {
    return this.app.queries.listDeployActionExecutionTargets(caller, pipelineName ?? null, actionExecutionId);
  }

  @Query('listRuleTypes')
  listRuleTypes() {
    return BUILT_IN_RULE_TYPES.map(({ evaluate: _evaluate, ...type }) => type);
  }
}
