import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import { PermissionsCallerOf } from './caller-of';
import { PERMISSIONS_APPLICATION, type PermissionsApplication } from '../permissions-service';

/** Access keys for SigV4 (decision 0024): translate GraphQL to the application; no decision here. */
@Resolver()
export class AccessKeyResolver {
  constructor(@Inject(PERMISSIONS_APPLICATION) private readonly app: PermissionsApplication) {}

  @Query('accessKeySecret')
  accessKeySecret(@Args('accessKeyId') accessKeyId: string) {
    return this.app.accessKeys.accessKeySecret(accessKeyId);
  }

  @Query('listAccessKeys')
  listAccessKeys(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.app.accessKeys.listAccessKeys(caller, principalId ?? null);
  }

  @Mutation('createAccessKey')
  createAccessKey(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.app.accessKeys.createAccessKey(caller, principalId ?? null);
  }

  @Mutation('deleteAccessKey')
  deleteAccessKey(@PermissionsCallerOf() caller: Caller, @Args('accessKeyId') accessKeyId: string) {
    return this.app.accessKeys.deleteAccessKey(caller, accessKeyId);
  }
}
