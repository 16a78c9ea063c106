import type { StageRetryMode } from '@sluice/domain';
import {
  NotFoundError,
  executionStreamId,
  invalidInput,
  latestExecutionInStage,
  lanesStreamId,
  type ExecutionCommand,
  type ExecutionState,
  type ExecutionTrigger,
  type PipelineRef,
  type SourceRevisionOverride,
  type VariableOverride,
} from '../domain';
import type { StreamStates } from '../projections/stream-states';
import type { AggregateCommands } from './aggregate-commands';
import type { ApprovalAuthorizer } from './approval-authorizer';
import { commandMetadata, type Caller, type Clock, type IdGenerator } from './caller';
import { executionIdForToken } from './execution-id-for-token';
import type { PipelineDefinitions } from './pipeline-definitions';
import { settled, type ReadYourWrites } from './read-your-writes';
import type { StreamWriter } from './stream-writer';

export interface StartPipelineExecutionInput {
  name: string;
  variables?: VariableOverride[];
  sourceRevisions?: SourceRevisionOverride[];
  clientRequestToken?: string | null;
  /** A trigger's start (webhook, poll); a manual start by default. */
  trigger?: ExecutionTrigger;
}

export interface StopPipelineExecutionInput {
  pipelineName: string;
  pipelineExecutionId: string;
  abandon?: boolean;
  reason?: string;
}

export interface RetryStageExecutionInput {
  pipelineName: string;
  stageName: string;
  pipelineExecutionId: string;
  retryMode: StageRetryMode;
}

export interface RollbackStageInput {
  pipelineName: string;
  stageName: string;
  targetPipelineExecutionId: string;
}

export interface RerunStageInput {
  pipelineName: string;
  stageName: string;
  sourcePipelineExecutionId: string;
  clientRequestToken?: string | null;
}

export interface PutApprovalResultInput {
  pipelineName: string;
  stageName: string;
  actionName: string;
  result: { status: 'Approved' | 'Rejected'; summary: string };
  token: string;
}

export interface ExecutionCommandHandlersDeps {
  commands: AggregateCommands;
  writer: StreamWriter;
  states: StreamStates;
  definitions: PipelineDefinitions;
  approvals: { approvalLocation(token: string): { executionId: string } | undefined };
  authorizer: ApprovalAuthorizer;
  readModel: ReadYourWrites;
  clock: Clock;
  ids: IdGenerator;
}

/** The API's commands on executions (CodePipeline's operations): decide on the execution's stream, append, wait until reads see it. */
export class ExecutionCommandHandlers {
  constructor(private readonly deps: ExecutionCommandHandlersDeps) {}

  async startPipelineExecution(caller: Caller, input: StartPipelineExecutionInput): Promise<{ pipelineExecutionId: string }> {
    const pipeline = { account: caller.account, name: input.name };
    const definition = this.deps.definitions.latest(pipeline);
    if (!definition) throw new NotFoundError('pipeline', input.name);
    const token = input.clientRequestToken ?? null;
    const executionId = token === null ? this.deps.ids() : executionIdForToken(pipeline, token);
    await this.handle({
      type: 'StartPipelineExecution',
      executionId,
      pipeline,
      definition,
      variables: input.variables ?? [],
      sourceRevisions: input.sourceRevisions ?? [],
      trigger: input.trigger ?? { triggerType: 'StartPipelineExecution', triggerDetail: caller.actor },
      clientRequestToken: token,
      metadata: this.metadata(caller),
    });
    return { pipelineExecutionId: executionId };
  }

  async stopPipelineExecution(caller: Caller, input: StopPipelineExecutionInput): Promise<{ pipelineExecutionId: string }> {
    await this.requireExecutionOf(caller, input.pipelineName, input.pipelineExecutionId);
    await this.handle({
      type: 'StopPipelineExecution',
      executionId: input.pipelineExecutionId,
      abandon: input.abandon ?? false,
      reason: input.reason ?? '',
      metadata: this.metadata(caller),
    });
    return { pipelineExecutionId: input.pipelineExecutionId };
  }

  /** Retries the stage with the execution's original inputs; only the execution that entered the stage last may. */
  async retryStageExecution(caller: Caller, input: RetryStageExecutionInput): Promise<{ pipelineExecutionId: string }> {
    const pipeline = await this.requireExecutionOf(caller, input.pipelineName, input.pipelineExecutionId);
    await this.deps.writer.catchUp(lanesStreamId(pipeline));
    await this.handle({
      type: 'RetryStageExecution',
      executionId: input.pipelineExecutionId,
      stageName: input.stageName,
      retryMode: input.retryMode,
      latestExecutionInStage: latestExecutionInStage(this.deps.states.lanes(pipeline).state, input.stageName),
      metadata: this.metadata(caller),
    });
    return { pipelineExecutionId: input.pipelineExecutionId };
  }

  /** CodePipeline's rollbackStage: a new execution that re-runs the stage with the target execution's inputs. */
  async rollbackStage(caller: Caller, input: RollbackStageInput): Promise<{ pipelineExecutionId: string }> {
    await this.requireExecutionOf(caller, input.pipelineName, input.targetPipelineExecutionId);
    const executionId = this.deps.ids();
    await this.handle({
      type: 'RerunStage',
      executionId,
      sourceExecutionId: input.targetPipelineExecutionId,
      stageName: input.stageName,
      reason: 'Rollback',
      automatic: false,
      clientRequestToken: null,
      metadata: this.metadata(caller),
    });
    return { pipelineExecutionId: executionId };
  }

  /** Re-runs one stage of a past execution, with its original inputs, as a new execution. */
  async rerunStage(caller: Caller, input: RerunStageInput): Promise<{ pipelineExecutionId: string }> {
    const pipeline = await this.requireExecutionOf(caller, input.pipelineName, input.sourcePipelineExecutionId);
    const token = input.clientRequestToken ?? null;
    const executionId = token === null ? this.deps.ids() : executionIdForToken(pipeline, token);
    await this.handle({
      type: 'RerunStage',
      executionId,
      sourceExecutionId: input.sourcePipelineExecutionId,
      stageName: input.stageName,
      reason: 'Rerun',
      automatic: false,
      clientRequestToken: token,
      metadata: this.metadata(caller),
    });
    return { pipelineExecutionId: executionId };
  }

  async putApprovalResult(caller: Caller, input: PutApprovalResultInput): Promise<{ approvedAt: string }> {
    const executionId = this.deps.approvals.approvalLocation(input.token)?.executionId ?? executionIdOfApprovalToken(input.token);
    await this.requireExecutionOf(caller, input.pipelineName, executionId);
    const { stageName, actionName } = input;
    const authorized = await this.deps.authorizer.mayApprove({ account: caller.account, actor: caller.actor, pipelineName: input.pipelineName, stageName, actionName });
    const metadata = this.metadata(caller);
    await this.handle({ type: 'PutApprovalResult', executionId, stageName, actionName, token: input.token, result: input.result, authorized, metadata });
    return { approvedAt: metadata.now };
  }

  private async handle(command: ExecutionCommand): Promise<void> {
    const { position } = await this.deps.commands.execution(command);
    await settled(this.deps.readModel, position);
  }

  /** The execution, read fresh from the store, must be one of the caller's pipeline: another account's is invisible. */
  private async requireExecutionOf(caller: Caller, pipelineName: string, executionId: string): Promise<PipelineRef> {
    await this.deps.writer.catchUp(executionStreamId(executionId));
    const state: ExecutionState = this.deps.states.execution(executionId).state;
    if (state.status === 'NotStarted') throw new NotFoundError('execution', executionId);
    const pipeline = state.run.inputs.pipeline;
    if (pipeline.account !== caller.account || pipeline.name !== pipelineName) throw new NotFoundError('execution', executionId);
    return pipeline;
  }

  private metadata(caller: Caller) {
    return commandMetadata(caller, this.deps.clock, this.deps.ids);
  }
}

/** `approval:{exec}/{stage}/{action}/{attempt}` (derived-ids.ts); stage and action names hold no '/'. */
function executionIdOfApprovalToken(token: string): string {
  const prefix = 'approval:';
  const parts = token.startsWith(prefix) ? token.slice(prefix.length).split('/') : [];
  if (parts.length < 4) throw invalidInput('$.token', 'The token does not name an approval request.');
  return parts.slice(0, -3).join('/');
}
