import { type ActionTypeRegistry } from '@sluice/domain';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { NotFoundError } from '../domain/errors';
import { pipelineNameOf, type PipelineCommand } from '../domain/pipeline/pipeline-commands';
import { pipelineDecider } from '../domain/pipeline/pipeline-decider';
import { parsePipelineArn } from '../domain/pipeline/pipeline-arn';
import { isStorablePipelineName, pipelineStreamId } from '@sluice/contracts';
import type { Tag } from '../domain/tag';
import { commandMetadata, type Caller, type Clock } from './caller';
import { settled, type ReadYourWrites } from './read-your-writes';

/** The action types an account's definitions may use (built-ins + its custom types). */
export type AccountActionTypes = (account: string) => ActionTypeRegistry;

/** Whether the account has a secret of this name (decision 0043): definitions may reference only those. */
export type AccountSecrets = (account: string, name: string) => boolean;

/** The pipelines of an account an Invoke/Sluice/Pipeline may name (decision 0052): undefined for none, else what it invokes. */
export type AccountInvokes = (account: string, pipeline: string) => readonly string[] | undefined;

/** Every pipeline command: decide on the pipeline's stream, append, wait until reads see it. */
export class PipelineCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly actionTypes: AccountActionTypes,
    private readonly readModel: ReadYourWrites,
    private readonly clock: Clock,
    private readonly secrets?: AccountSecrets,
    private readonly invokes?: AccountInvokes,
  ) {}

  /** Returns the name of the pipeline created. */
  async createPipeline(caller: Caller, declaration: unknown, tags: Tag[]): Promise<string> {
    return this.handle(caller, { type: 'CreatePipeline', declaration, tags, metadata: commandMetadata(caller, this.clock) });
  }

  async updatePipeline(caller: Caller, declaration: unknown): Promise<string> {
    return this.handle(caller, { type: 'UpdatePipeline', declaration, metadata: commandMetadata(caller, this.clock) });
  }

  async deletePipeline(caller: Caller, name: string): Promise<string> {
    return this.handle(caller, { type: 'DeletePipeline', name, metadata: commandMetadata(caller, this.clock) });
  }

  async disableStageTransition(caller: Caller, pipelineName: string, stageName: string, transitionType: string, reason: string): Promise<string> {
    const metadata = commandMetadata(caller, this.clock);
    return this.handle(caller, { type: 'DisableStageTransition', pipelineName, stageName, transitionType, reason, metadata });
  }

  async enableStageTransition(caller: Caller, pipelineName: string, stageName: string, transitionType: string): Promise<string> {
    return this.handle(caller, { type: 'EnableStageTransition', pipelineName, stageName, transitionType, metadata: commandMetadata(caller, this.clock) });
  }

  async tagResource(caller: Caller, resourceArn: string, tags: Tag[]): Promise<string> {
    const name = this.pipelineOfArn(caller, resourceArn);
    return this.handle(caller, { type: 'TagPipeline', name, tags, metadata: commandMetadata(caller, this.clock) });
  }

  async untagResource(caller: Caller, resourceArn: string, tagKeys: string[]): Promise<string> {
    const name = this.pipelineOfArn(caller, resourceArn);
    return this.handle(caller, { type: 'UntagPipeline', name, tagKeys, metadata: commandMetadata(caller, this.clock) });
  }

  private pipelineOfArn(caller: Caller, resourceArn: string): string {
    const { account, name } = parsePipelineArn(resourceArn, 'resourceArn');
    // Another account's pipelines are invisible until cross-account roles exist (permissions service).
    if (account !== caller.account) throw new NotFoundError('pipeline', resourceArn);
    return name;
  }

  private async handle(caller: Caller, command: PipelineCommand): Promise<string> {
    const name = pipelineNameOf(command);
    const streamId = isStorablePipelineName(name) ? pipelineStreamId(caller.account, name) : undefined;
    const secrets = this.secrets;
    const invokes = this.invokes;
    const context = {
      actionTypes: this.actionTypes(caller.account),
      ...(secrets ? { secretExists: (secret: string) => secrets(caller.account, secret) } : {}),
      ...(invokes ? { invokesOf: (pipeline: string) => invokes(caller.account, pipeline) } : {}),
    };
    const { position } = await decideAndAppend(this.store, pipelineDecider, streamId, command, context);
    await settled(this.readModel, position);
    return name as string;
  }
}
