import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AccessKeyHandlers } from '../application/access-key-handlers';
import type { Caller } from '../application/caller';
import { PermissionsCallerOf } from './caller-of';

/** Access keys for SigV4 (decision 0024): translate GraphQL to the application; no decision here. */
@Resolver()
export class AccessKeyResolver {
  constructor(@Inject(AccessKeyHandlers) private readonly accessKeys: AccessKeyHandlers) {}

  @Query('accessKeySecret')
  accessKeySecret(@Args('accessKeyId') accessKeyId: string) {
    return this.accessKeys.accessKeySecret(accessKeyId);
  }

  @Query('listAccessKeys')
  listAccessKeys(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.accessKeys.listAccessKeys(caller, principalId ?? null);
  }

  @Mutation('createAccessKey')
  createAccessKey(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.accessKeys.createAccessKey(caller, principalId ?? null);
  }

  @Mutation('deleteAccessKey')
  deleteAccessKey(@PermissionsCallerOf() caller: Caller, @Args('accessKeyId') accessKeyId: string) {
    return this.accessKeys.deleteAccessKey(caller, accessKeyId);
  }
}
