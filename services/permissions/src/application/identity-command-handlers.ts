import { type EventStore, decideAndAppend } from '@sluice/eventing';
import { NotFoundError } from '@sluice/domain';
import { accountDecider } from '../domain/account-decider';
import { attachedPolicyFrom, type AttachPolicyInput } from '../domain/attach-policy-input';
import { groupDecider } from '../domain/group-decider';
import { accountStream, groupStream, principalStream, type RoleSession, tokenStream } from '@sluice/contracts';
import { principalDecider, requireKind } from '../domain/principal-decider';
import { TOKEN_LIFETIME, tokenDecider } from '../domain/token-decider';
import { issueToken } from '../domain/token-secret';
import type { PermissionsProjection } from '../projections/permissions-projection';
import { type Caller, type Clock, commandMetadata } from './caller';

export type PolicyTargetType = 'USER' | 'GROUP' | 'ROLE';

export interface CreatedToken {
  /** The secret: returned here once, never stored. */
  token: string;
  tokenId: string;
  principalId: string;
  account: string;
  expiresAt: string;
}

/** Identity commands: load -> decide -> append with the revision read -> wait for the read model. */
export class IdentityCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly projection: PermissionsProjection,
    private readonly clock: Clock,
  ) {}

  private get identities() {
    return this.projection.identities;
  }

  /** A tenant; with `adminUserName`, its first user with the Admin policy and a token (how an account gets its first admin). */
  async createAccount(caller: Caller, account: string, adminUserName: string | null): Promise<{ account: string; adminToken: CreatedToken | null }> {
    const metadata = commandMetadata(caller, this.clock);
    await this.settle(decideAndAppend(this.store, accountDecider, accountStream(account), { type: 'CreateAccount', account, metadata }, undefined));
    if (adminUserName === null) return { account, adminToken: null };
    const admin = { ...caller, account };
    await this.createUser(admin, adminUserName);
    await this.attachPolicy(admin, 'USER', adminUserName, { managedPolicy: 'Admin' });
    return { account, adminToken: await this.createToken(admin, adminUserName, null, 'first admin of the account') };
  }

  async createUser(caller: Caller, userName: string): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    const context = { accountExists: this.identities.hasAccount(caller.account) };
    await this.settle(decideAndAppend(this.store, principalDecider, principalStream(caller.account, userName), { type: 'CreateUser', userName, metadata }, context));
  }

  async createRole(
    caller: Caller,
    input: { roleName: string; trustPolicy: unknown; maxSessionDurationSeconds?: number | null; description?: string | null },
  ): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    const context = { accountExists: this.identities.hasAccount(caller.account) };
    const command = {
      type: 'CreateRole' as const,
      roleName: input.roleName,
      trustPolicy: input.trustPolicy,
      maxSessionDurationSeconds: input.maxSessionDurationSeconds ?? null,
      description: input.description ?? null,
      metadata,
    };
    await this.settle(decideAndAppend(this.store, principalDecider, principalStream(caller.account, input.roleName), command, context));
  }

  async createGroup(caller: Caller, groupName: string): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    const context = { accountExists: this.identities.hasAccount(caller.account), userExists: false };
    await this.settle(decideAndAppend(this.store, groupDecider, groupStream(caller.account, groupName), { type: 'CreateGroup', groupName, metadata }, context));
  }

  async addUserToGroup(caller: Caller, groupName: string, userName: string): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    const context = { accountExists: true, userExists: this.identities.principal(caller.account, userName)?.kind === 'User' };
    await this.settle(decideAndAppend(this.store, groupDecider, groupStream(caller.account, groupName), { type: 'AddUserToGroup', groupName, userName, metadata }, context));
  }

  async attachPolicy(caller: Caller, targetType: PolicyTargetType, targetName: string, input: AttachPolicyInput): Promise<void> {
    const policy = attachedPolicyFrom(input);
    const metadata = commandMetadata(caller, this.clock);
    if (targetType === 'GROUP') {
      const command = { type: 'AttachPolicy' as const, groupName: targetName, policy, metadata };
      await this.settle(decideAndAppend(this.store, groupDecider, groupStream(caller.account, targetName), command, { accountExists: true, userExists: false }));
      return;
    }
    this.requirePrincipalKind(caller.account, targetType, targetName);
    const command = { type: 'AttachPolicy' as const, principalId: targetName, policy, metadata };
    await this.settle(decideAndAppend(this.store, principalDecider, principalStream(caller.account, targetName), command, { accountExists: true }));
  }

  async detachPolicy(caller: Caller, targetType: PolicyTargetType, targetName: string, policyName: string): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    if (targetType === 'GROUP') {
      const command = { type: 'DetachPolicy' as const, groupName: targetName, policyName, metadata };
      await this.settle(decideAndAppend(this.store, groupDecider, groupStream(caller.account, targetName), command, { accountExists: true, userExists: false }));
      return;
    }
    this.requirePrincipalKind(caller.account, targetType, targetName);
    const command = { type: 'DetachPolicy' as const, principalId: targetName, policyName, metadata };
    await this.settle(decideAndAppend(this.store, principalDecider, principalStream(caller.account, targetName), command, { accountExists: true }));
  }

  /** An API token for a user of the caller's account. Roles get tokens only through assumeRole. */
  async createToken(caller: Caller, principalId: string, expiresInSeconds: number | null, description: string | null): Promise<CreatedToken> {
    const view = this.identities.principal(caller.account, principalId);
    requireKind(view ? { status: view.kind, name: view.id, policies: [] } : { status: 'None' }, principalId, 'User');
    return this.issue(caller, principalId, expiresInSeconds ?? TOKEN_LIFETIME.defaultSeconds, description, null);
  }

  async revokeToken(caller: Caller, tokenId: string): Promise<void> {
    const metadata = commandMetadata(caller, this.clock);
    await this.settle(decideAndAppend(this.store, tokenDecider, tokenStream(tokenId), { type: 'RevokeToken', tokenId, metadata }, undefined));
  }

  /** Used by assumeRole: a session token in the role's account. */
  async issue(caller: Pick<Caller, 'account' | 'actor'>, principalId: string, expiresInSeconds: number, description: string | null, session: RoleSession | null): Promise<CreatedToken> {
    const issued = issueToken(session ? 'session' : 'user');
    const metadata = commandMetadata(caller, this.clock);
    const command = { type: 'CreateToken' as const, tokenId: issued.tokenId, tokenHash: issued.tokenHash, principalId, expiresInSeconds, description, session, metadata };
    await this.settle(decideAndAppend(this.store, tokenDecider, tokenStream(issued.tokenId), command, undefined));
    const stored = this.identities.token(issued.tokenId)!;
    return { token: issued.token, tokenId: issued.tokenId, principalId, account: caller.account, expiresAt: stored.expiresAt };
  }

  private requirePrincipalKind(account: string, targetType: 'USER' | 'ROLE', name: string): void {
    const view = this.identities.principal(account, name);
    const kind = targetType === 'USER' ? 'User' : 'Role';
    if (!view || view.kind !== kind) throw new NotFoundError(kind === 'User' ? 'user' : 'role', name);
  }

  private async settle(appending: Promise<{ position: bigint | undefined }>): Promise<void> {
    const { position } = await appending;
    if (position !== undefined) await this.projection.waitForPosition(position);
  }
}
