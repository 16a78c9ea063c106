import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { principalName } from '@sluice/authz';
import { NotFoundError } from '@sluice/domain';
import { AssumeRoleHandler } from '../application/assume-role';
import type { Caller } from '../application/caller';
import { PermissionsCallerOf } from './caller-of';
import { IdentityCommandHandlers, type PolicyTargetType } from '../application/identity-command-handlers';
import { IdentityQueries, type SimulationContextInput } from '../application/identity-queries';
import { PermissionsProjection } from '../projections/permissions-projection';
import { instantArg } from './instant-arg';
import { groupOutput, roleOutput, simulationOutput, tokenOutput, userOutput, attachedPolicyOutput } from './outputs';

/** Identities, tokens, roles and policies: translate GraphQL to the application and back; no decision here. */
@Resolver()
export class IdentityResolver {
  constructor(
    @Inject(IdentityCommandHandlers) private readonly commands: IdentityCommandHandlers,
    @Inject(IdentityQueries) private readonly queries: IdentityQueries,
    @Inject(AssumeRoleHandler) private readonly roles: AssumeRoleHandler,
    @Inject(PermissionsProjection) private readonly projection: PermissionsProjection,
  ) {}

  @Query('authenticate')
  authenticate(@Args('token') token: string) {
    return this.queries.authenticate(token);
  }

  @Query('whoami')
  whoami(@PermissionsCallerOf() caller: Caller) {
    return this.queries.whoami(caller);
  }

  @Query('getUser')
  getUser(@PermissionsCallerOf() caller: Caller, @Args('userName') userName: string) {
    return userOutput(this.queries.getUser(caller, userName));
  }

  @Query('listUsers')
  listUsers(@PermissionsCallerOf() caller: Caller) {
    return this.queries.listUsers(caller).map(userOutput);
  }

  @Query('getRole')
  getRole(@PermissionsCallerOf() caller: Caller, @Args('roleName') roleName: string) {
    return roleOutput(this.queries.getRole(caller, roleName));
  }

  @Query('listRoles')
  listRoles(@PermissionsCallerOf() caller: Caller) {
    return this.queries.listRoles(caller).map(roleOutput);
  }

  @Query('getGroup')
  getGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string) {
    return groupOutput(this.group(caller, groupName));
  }

  @Query('listTokens')
  listTokens(@PermissionsCallerOf() caller: Caller, @Args('principalId') principalId?: string | null) {
    return this.queries.listTokens(caller, principalId ?? null).map(tokenOutput);
  }

  @Query('myPermissions')
  myPermissions(@PermissionsCallerOf() caller: Caller, @Args('checks') checks: Array<{ action: string; resource: string }>) {
    return this.queries.myPermissions(caller, checks);
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
    return this.queries.simulatePrincipalPolicy(caller, principalId, actions, resources, parsed).map(simulationOutput);
  }

  @Mutation('createAccount')
  createAccount(@PermissionsCallerOf() caller: Caller, @Args('account') account: string, @Args('adminUserName') adminUserName?: string | null) {
    return this.commands.createAccount(caller, account, adminUserName ?? null);
  }

  @Mutation('createUser')
  async createUser(@PermissionsCallerOf() caller: Caller, @Args('userName') userName: string) {
    await this.commands.createUser(caller, userName);
    return userOutput(this.queries.getUser(caller, userName));
  }

  @Mutation('createGroup')
  async createGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string) {
    await this.commands.createGroup(caller, groupName);
    return groupOutput(this.group(caller, groupName));
  }

  @Mutation('addUserToGroup')
  async addUserToGroup(@PermissionsCallerOf() caller: Caller, @Args('groupName') groupName: string, @Args('userName') userName: string) {
    await this.commands.addUserToGroup(caller, groupName, userName);
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
    await this.commands.createRole(caller, { roleName, trustPolicy, maxSessionDurationSeconds, description });
    return roleOutput(this.queries.getRole(caller, roleName));
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
    await this.commands.attachPolicy(caller, targetType, targetName, { managedPolicy, approverScope, policyName, document });
    return this.policiesOf(caller, targetType, targetName);
  }

  @Mutation('detachPolicy')
  async detachPolicy(@PermissionsCallerOf() caller: Caller, @Args('targetType') targetType: PolicyTargetType, @Args('targetName') targetName: string, @Args('policyName') policyName: string) {
    await this.commands.detachPolicy(caller, targetType, targetName, policyName);
    return this.policiesOf(caller, targetType, targetName);
  }

  @Mutation('createToken')
  createToken(
    @PermissionsCallerOf() caller: Caller,
    @Args('principalId') principalId: string,
    @Args('expiresInSeconds') expiresInSeconds?: number | null,
    @Args('description') description?: string | null,
  ) {
    return this.commands.createToken(caller, principalId, expiresInSeconds ?? null, description ?? null);
  }

  @Mutation('revokeToken')
  async revokeToken(@PermissionsCallerOf() caller: Caller, @Args('tokenId') tokenId: string) {
    await this.commands.revokeToken(caller, tokenId);
    return tokenOutput(this.queries.listTokens(caller, null).find((token) => token.tokenId === tokenId)!);
  }

  @Mutation('assumeRole')
  async assumeRole(
    @PermissionsCallerOf() caller: Caller,
    @Args('role') role: string,
    @Args('sessionName') sessionName: string,
    @Args('sessionPolicy') sessionPolicy?: unknown,
    @Args('durationSeconds') durationSeconds?: number | null,
  ) {
    const assumed = await this.roles.assumeRole(caller, { role, sessionName, sessionPolicy, durationSeconds });
    return { ...assumed, role: principalName({ account: assumed.account, id: assumed.principalId }) };
  }

  private group(caller: Caller, groupName: string) {
    const group = this.projection.identities.group(caller.account, groupName);
    if (!group) throw new NotFoundError('group', groupName);
    return group;
  }

  private policiesOf(caller: Caller, targetType: PolicyTargetType, targetName: string) {
    const holder = targetType === 'GROUP' ? this.group(caller, targetName) : this.projection.identities.principal(caller.account, targetName);
    return (holder?.policies ?? []).map((policy) => attachedPolicyOutput(caller.account, policy));
  }
}
