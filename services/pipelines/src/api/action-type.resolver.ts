import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { ActionCategory, ActionOwner } from '@sluice/domain';
import type { Caller } from '../application/caller';
import { CallerOf } from '@sluice/graphql-service';
import { actionTypeOutput } from './pipeline-output';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';

@Resolver('ActionType')
export class ActionTypeResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Query('listActionTypes')
  listActionTypes(
    @CallerOf() caller: Caller,
    @Args('owner') owner?: ActionOwner | null,
    @Args('category') category?: ActionCategory | null,
    @Args('includeDeleted') includeDeleted?: boolean | null,
  ) {
    return this.app.actionTypeQueries.listActionTypes(caller, { owner, category, includeDeleted }).map(actionTypeOutput);
  }

  @Query('getActionType')
  getActionType(@CallerOf() caller: Caller, @Args('category') category: ActionCategory, @Args('owner') owner: ActionOwner, @Args('provider') provider: string, @Args('version') version: string) {
    return actionTypeOutput(this.app.actionTypeQueries.getActionType(caller, { category, owner, provider, version }));
  }

  @Mutation('createCustomActionType')
  async createCustomActionType(@CallerOf() caller: Caller, @Args('input') input: unknown) {
    const id = await this.app.actionTypes.createCustomActionType(caller, input);
    return actionTypeOutput(this.app.actionTypeQueries.getCustomActionType(caller, id));
  }

  @Mutation('updateActionType')
  async updateActionType(@CallerOf() caller: Caller, @Args('owner') owner: ActionOwner, @Args('input') input: unknown) {
    const id = await this.app.actionTypes.updateCustomActionType(caller, owner, input);
    return actionTypeOutput(this.app.actionTypeQueries.getCustomActionType(caller, id));
  }

  @Mutation('deleteCustomActionType')
  async deleteCustomActionType(
    @CallerOf() caller: Caller,
    @Args('category') category: ActionCategory,
    @Args('provider') provider: string,
    @Args('version') version: string,
  ) {
    await this.app.actionTypes.deleteCustomActionType(caller, { category, provider, version });
    return true;
  }
}
