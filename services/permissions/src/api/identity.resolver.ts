import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { principalName } from '@sluice/authz';
import { NotFoundError } from '@sluice/domain';
import type { Caller } from '../application/caller';
import { PermissionsCallerOf } from './caller-of';
import type { PolicyTargetType } from '../application/identity-command-handlers';
import type { SimulationContextInput } from '../application/identity-queries';
import { instantArg } from './instant-arg';
import { groupOutput, roleOutput, simulationOutput, tokenOutput, userOutput, attachedPolicyOutput } from './outputs';
import { PERMISSIONS_APPLICATION, type PermissionsApplication } from '../permissions-service';

/** Identities, tokens, roles and policies: translate GraphQL to the application and back; no decision here. */
@Resolver()
export class IdentityResolver {
  constructor(@Inject(PERMISSIONS_APPLICATION) private readonly app: PermissionsApplication) {}

  @Query('authenticate')
  authenticate(@Args('token') token: string) {
    return this.app.identityQueries.authenticate(token);
  }

  @Query('whoami')
  whoami(@PermissionsCallerOf() caller: Caller) {
    return this.app.identityQueries.whoami(caller);
  }

  @Query('getUser')
  getUser(@PermissionsCallerOf() caller: Caller, @Args('userName') userName: string) {
    return userOutput(this.app.identityQueries.getUser(caller, userName));
  }

  @Query('listUsers')
  listUsers(@PermissionsCallerOf() caller: Caller) {
    return this.app.identityQueries.listUsers(caller).map(userOutput);
  }

  @Query('getRole')
  getRole(@PermissionsCallerOf() caller: Caller, @Args('roleName') roleName: string) {
    return roleOutput(this.app.identityQueries.getRole(caller, roleName));
  }

  @Query('listRoles')
  listRoles(@PermissionsCallerOf() caller: Caller) {
    return this.app.identityQueries.listRoles(caller).map(roleOutput);
  }

  @Query('getGroup')
  getGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string) {
    return groupOutput(this.group(caller, groupName));
  }

  @Query('listTokens')
  listTokens(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.app.identityQueries.listTokens(caller, principalId ?? null).map(tokenOutput);
  }

  @Query('myPermissions')
  myPermissions(@PermissionsCallerOf() caller: Caller, @Args('checks') checks: Array<{ action: string; resource: string }>) {
    return this.app.identityQueries.myPermissions(caller, checks);
  }

  @Query('simulatePrincipalPolicy')
  simulatePrincipalPolicy(
    @PermissionsCallerOf() caller: Caller,
    @Args('principalId') principalId: string,
    @Args('actions') actions: string[],
    @Args('resources') resources: string[],
    @Args('context') context?: (Omit<SimulationContextInput, 'currentTime'> & { currentTime?: string | null }) | null,
  ) {
    const parsed: SimulationContextInput | null = context ? { ...context, currentTime: instantArg(context.currentTime, 'context.currentTime') } : null;
    return this.app.identityQueries.simulatePrincipalPolicy(caller, principalId, actions, resources, parsed).map(simulationOutput);
  }

  @Mutation('createAccount')
  createAccount(@PermissionsCallerOf() caller: Caller, @Args('account') account: string, @Args('adminUserName') adminUserName?: string | null) {
    return this.app.identities.createAccount(caller, account, adminUserName ?? null);
  }

  @Mutation('createUser')
  async createUser(@PermissionsCallerOf() caller: Caller, @Args('userName') userName: string) {
    await this.app.identities.createUser(caller, userName);
    return userOutput(this.app.identityQueries.getUser(caller, userName));
  }

  @Mutation('createGroup')
  async createGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string) {
    await this.app.identities.createGroup(caller, groupName);
    return groupOutput(this.group(caller, groupName));
  }

  @Mutation('addUserToGroup')
  async addUserToGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string, @Args('userName') userName: string) {
    await this.app.identities.addUserToGroup(caller, groupName, userName);
    return groupOutput(this.group(caller, groupName));
  }

  @Mutation('createRole')
  async createRole(
    @PermissionsCallerOf() caller: Caller,
    @Args('roleName') roleName: string,
    @Args('trustPolicy') trustPolicy: unknown,
    @Args('maxSessionDurationSeconds') maxSessionDurationSeconds?: number | null,
    @Args('description') description?: string | null,
  ) {
    await this.app.identities.createRole(caller, { roleName, trustPolicy, maxSessionDurationSeconds, description });
    return roleOutput(this.app.identityQueries.getRole(caller, roleName));
  }

  @Mutation('attachPolicy')
  async attachPolicy(
    @PermissionsCallerOf() caller: Caller,
    @Args('targetType') targetType: PolicyTargetType,
    @Args('targetName') targetName: string,
    @Args('managedPolicy') managedPolicy?: string | null,
    @Args('approverScope') approverScope?: { pipeline: string; stage?: string | null; action?: string | null } | null,
    @Args('policyName') policyName?: string | null,
    @Args('document') document?: unknown,
  ) {
    await this.app.identities.attachPolicy(caller, targetType, targetName, { managedPolicy, approverScope, policyName, document });
    return this.policiesOf(caller, targetType, targetName);
  }

  @Mutation('detachPolicy')
  async detachPolicy(@PermissionsCallerOf() caller: Caller, @Args('targetType') targetType: PolicyTargetType, @Args('targetName') targetName: string, @Args('policyName') policyName: string) {
    await this.app.identities.detachPolicy(caller, targetType, targetName, policyName);
    return this.policiesOf(caller, targetType, targetName);
  }

  @Mutation('createToken')
  createToken(
    @PermissionsCallerOf() caller: Caller,
    @Args('principalId') principalId: string,
    @Args('expiresInSeconds') expiresInSeconds?: number | null,
    @Args('description') description?: string | null,
  ) {
    return this.app.identities.createToken(caller, principalId, expiresInSeconds ?? null, description ?? null);
  }

  @Mutation('revokeToken')
  async revokeToken(@PermissionsCallerOf() caller: Caller, @Args('tokenId') tokenId: string) {
    await this.app.identities.revokeToken(caller, tokenId);
    return tokenOutput(this.app.identityQueries.listTokens(caller, null).find((token) => token.tokenId === tokenId)!);
  }

  @Mutation('assumeRole')
  async assumeRole(
    @PermissionsCallerOf() caller: Caller,
    @Args('role') role: string,
    @Args('sessionName') sessionName: string,
    @Args('sessionPolicy') sessionPolicy?: unknown,
    @Args('durationSeconds') durationSeconds?: number | null,
  ) {
    const assumed = await this.app.assumeRole.assumeRole(caller, { role, sessionName, sessionPolicy, durationSeconds });
    return { ...assumed, role: principalName({ account: assumed.account, id: assumed.principalId }) };
  }

  private group(caller: Caller, groupName: string) {
    const group = this.app.projection.identities.group(caller.account, groupName);
    if (!group) throw new NotFoundError('group', groupName);
    return group;
  }

  private policiesOf(caller: Caller, targetType: PolicyTargetType, targetName: string) {
    const holder = targetType === 'GROUP' ? this.group(caller, targetName) : this.app.projection.identities.principal(caller.account, targetName);
    return (holder?.policies ?? []).map((policy) => attachedPolicyOutput(caller.account, policy));
  }
}
