import type { StageRetryMode } from '@sluice/domain';
import { ExpiredError, NotFoundError, ValidationError, decideActionRevision, type ExecutionExpiry, latestExecutionInStage, type CurrentRevision, refusedArchives, uploadArchivesOfStart, type ExecutionCommand, type ExecutionState, type SourceRevisionOverride, type VariableOverride } from '../domain';
import { executionStreamId, lanesStreamId, type ExecutionTrigger, type PipelineRef } from '@sluice/contracts';
import type { StreamStates } from '../projections/stream-states';
import type { AggregateCommands } from './aggregate-commands';
import type { ApprovalAuthorizer } from './approval-authorizer';
import type { ArtifactClaimsReader } from './artifact-claims-reader';
import { commandMetadata, type Caller, type Clock, type IdGenerator, type RandomSource } from './caller';
import { executionIdForToken } from './execution-id-for-token';
import type { PipelineDefinitions } from './pipeline-definitions';
import { settled, type ReadYourWrites } from './read-your-writes';
import type { CommandHandler } from '@sluice/eventing';

export interface StartPipelineExecutionInput {
  name: string;
  variables?: VariableOverride[];
  sourceRevisions?: SourceRevisionOverride[];
  clientRequestToken?: string | null;
  /** A trigger's start (webhook, poll); a manual start by default. */
  trigger?: ExecutionTrigger;
}

export interface PutActionRevisionInput {
  pipelineName: string;
  stageName: string;
  actionName: string;
  revisionId: string;
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

export interface OverrideStageConditionInput {
  pipelineName: string;
  stageName: string;
  pipelineExecutionId: string;
  condition: 'beforeEntry' | 'onSuccess';
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
  handler: CommandHandler;
  states: StreamStates;
  definitions: PipelineDefinitions;
  approvals: { approvalLocation(token: string): Promise<{ executionId: string } | undefined> };
  authorizer: ApprovalAuthorizer;
  readModel: ReadYourWrites;
  claims: ArtifactClaimsReader;
  /** The key of execution ids derived from client request tokens (loadExecutionIdKey). */
  executionIdKey: Buffer;
  clock: Clock;
  ids: IdGenerator;
  random: RandomSource;
  /** Loads streams this process does not hold, an execution with its jobs (decision 0070); without it every stream is held. */
  load?: (streamIds: readonly string[]) => Promise<void>;
  /** Executions retention expired (decision 0056): a command naming one is refused as expired. */
  expiryOf?: (executionId: string) => Promise<ExecutionExpiry | undefined>;
}

/** How long putApprovalResult waits for this node's read model to learn a token another node just handed out. */
const APPROVAL_LOOKUP_MS = 1_000;

/** The API's commands on executions (CodePipeline's operations): decide on the execution's stream, append, wait until reads see it. */
export class ExecutionCommandHandlers {
  constructor(private readonly deps: ExecutionCommandHandlersDeps) {}

  async startPipelineExecution(caller: Caller, input: StartPipelineExecutionInput): Promise<{ pipelineExecutionId: string }> {
    const pipeline = { account: caller.account, name: input.name };
    const definition = this.deps.definitions.latest(pipeline);
    if (!definition) throw new NotFoundError('pipeline', input.name);
    await this.requireOwnArchives(caller, uploadArchivesOfStart(definition.declaration, input.sourceRevisions ?? []));
    const token = input.clientRequestToken ?? null;
    const executionId = token === null ? this.deps.ids() : executionIdForToken(this.deps.executionIdKey, pipeline, token);
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

  /** CodePipeline's PutActionRevision: a start pinned to the revision, unless `current` (the latest execution's) is it. */
  async putActionRevision(caller: Caller, input: PutActionRevisionInput, current: CurrentRevision | null): Promise<{ newRevision: boolean; pipelineExecutionId: string }> {
    const definition = this.deps.definitions.latest({ account: caller.account, name: input.pipelineName });
    if (!definition) throw new NotFoundError('pipeline', input.pipelineName);
    const decision = decideActionRevision(definition.declaration, input, current);
    if (!decision.newRevision) return decision;
    const { pipelineExecutionId } = await this.startPipelineExecution(caller, {
      name: input.pipelineName,
      sourceRevisions: [decision.sourceRevision],
      clientRequestToken: decision.clientRequestToken,
      trigger: { triggerType: 'PutActionRevision', triggerDetail: caller.actor },
    });
    return { newRevision: true, pipelineExecutionId };
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
    await this.deps.handler.catchUp(lanesStreamId(pipeline), this.deps.states);
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

  /** CodePipeline's OverrideStageCondition: the stage goes on past its condition; only the execution that entered it last may. */
  async overrideStageCondition(caller: Caller, input: OverrideStageConditionInput): Promise<{ pipelineExecutionId: string }> {
    const pipeline = await this.requireExecutionOf(caller, input.pipelineName, input.pipelineExecutionId);
    await this.deps.handler.catchUp(lanesStreamId(pipeline), this.deps.states);
    await this.handle({
      type: 'OverrideStageCondition',
      executionId: input.pipelineExecutionId,
      stageName: input.stageName,
      condition: input.condition,
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
    const executionId = token === null ? this.deps.ids() : executionIdForToken(this.deps.executionIdKey, pipeline, token);
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
    const executionId = (await this.approvalLocation(input.token))?.executionId;
    if (executionId === undefined) throw new NotFoundError('approval request', input.token, 'No approval request has this token.');
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
    await this.deps.load?.([executionStreamId(executionId)]);
    await this.deps.handler.catchUp(executionStreamId(executionId), this.deps.states);
    const state: ExecutionState = this.deps.states.execution(executionId).state;
    if (state.status === 'NotStarted') throw new NotFoundError('execution', executionId);
    const pipeline = state.run.inputs.pipeline;
    if (pipeline.account !== caller.account || pipeline.name !== pipelineName) throw new NotFoundError('execution', executionId);
    const expiry = await this.deps.expiryOf?.(executionId);
    if (expiry) throw new ExpiredError('execution', executionId, expiry.expiredAt, expiry.retentionDays);
    return pipeline;
  }

  /**
   * The Upload archives a start names must be ones the account may name (decision 0027): checked before the
   * execution starts, so another account's archive never reaches a job.
   */
  private async requireOwnArchives(caller: Caller, archives: ReturnType<typeof uploadArchivesOfStart>): Promise<void> {
    if (archives.length === 0) return;
    const claims = await this.deps.claims.claimsOn(archives.map((archive) => archive.address));
    const issues = refusedArchives(caller.account, archives, claims);
    if (issues.length > 0) throw new ValidationError(issues, issues.map((issue) => issue.message).join(' '));
  }

  /** Tokens are drawn, so the read model is the only index; another node may have handed this one out a moment ago. */
  private async approvalLocation(token: string): Promise<{ executionId: string } | undefined> {
    const deadline = Date.now() + APPROVAL_LOOKUP_MS;
    for (;;) {
      const location = await this.deps.approvals.approvalLocation(token);
      if (location !== undefined || Date.now() >= deadline) return location;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private metadata(caller: Caller) {
    return commandMetadata(caller, this.deps.clock, this.deps.ids, this.deps.random);
  }
}
