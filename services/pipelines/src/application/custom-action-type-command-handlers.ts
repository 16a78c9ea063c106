import { decideAndAppend, type EventStore } from '@sluice/eventing';
import {
  actionTypeStreamId,
  customActionTypeIdOf,
  type CustomActionTypeCommand,
  type CustomActionTypeId,
} from '../domain/custom-action-type/custom-action-type';
import { customActionTypeDecider } from '../domain/custom-action-type/custom-action-type-decider';
import { commandMetadata, type Caller, type Clock } from './caller';
import type { AccountActionTypes } from './pipeline-command-handlers';
import { settled, type ReadYourWrites } from './read-your-writes';

export class CustomActionTypeCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly actionTypes: AccountActionTypes,
    private readonly readModel: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  /** `input` is CodePipeline's CreateCustomActionType request; returns the id created. */
  async createCustomActionType(caller: Caller, input: unknown): Promise<CustomActionTypeId> {
    const command: CustomActionTypeCommand = { type: 'CreateCustomActionType', input, metadata: commandMetadata(caller, this.clock) };
    return this.handle(caller, command);
  }

  /** `input` is the type's new definition in CreateCustomActionType's shape; `owner` the owner the request named. */
  async updateCustomActionType(caller: Caller, owner: string, input: unknown): Promise<CustomActionTypeId> {
    return this.handle(caller, { type: 'UpdateCustomActionType', owner, input, metadata: commandMetadata(caller, this.clock) });
  }

  async deleteCustomActionType(caller: Caller, id: CustomActionTypeId): Promise<CustomActionTypeId> {
    return this.handle(caller, { type: 'DeleteCustomActionType', id, metadata: commandMetadata(caller, this.clock) });
  }

  private async handle(caller: Caller, command: CustomActionTypeCommand): Promise<CustomActionTypeId> {
    const id = customActionTypeIdOf(command);
    const streamId = id && actionTypeStreamId(caller.account, id);
    const { position } = await decideAndAppend(this.store, customActionTypeDecider, streamId, command, {
      actionTypes: this.actionTypes(caller.account),
    });
    await settled(this.readModel, position);
    // The decider refuses a command without a usable id, so here there is one.
    return id!;
  }
}
