import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { ActionCategory, ActionOwner } from '@sluice/domain';
import { ActionTypeQueries } from '../application/action-type-queries';
import type { Caller } from '../application/caller';
import { CustomActionTypeCommandHandlers } from '../application/custom-action-type-command-handlers';
import { CallerOf } from '@sluice/graphql-service';
import { actionTypeOutput } from './pipeline-output';

@Resolver('ActionType')
export class ActionTypeResolver {
  constructor(
    @Inject(ActionTypeQueries) private readonly queries: ActionTypeQueries,
    @Inject(CustomActionTypeCommandHandlers) private readonly commands: CustomActionTypeCommandHandlers,
  ) {}

  @Query('listActionTypes')
  listActionTypes(@CallerOf() caller: Caller, @Args('owner') owner?: ActionOwner | null, @Args('category') category?: ActionCategory | null) {
    return this.queries.listActionTypes(caller, { owner, category }).map(actionTypeOutput);
  }

  @Mutation('createCustomActionType')
  async createCustomActionType(@CallerOf() caller: Caller, @Args('input') input: unknown) {
    const id = await this.commands.createCustomActionType(caller, input);
    return actionTypeOutput(this.queries.getCustomActionType(caller, id));
  }

  @Mutation('deleteCustomActionType')
  async deleteCustomActionType(
    @CallerOf() caller: Caller,
    @Args('category') category: ActionCategory,
    @Args('provider') provider: string,
    @Args('version') version: string,
  ) {
    await this.commands.deleteCustomActionType(caller, { category, provider, version });
    return true;
  }
}
