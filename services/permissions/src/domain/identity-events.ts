import type { PrincipalRef, TrustPolicyDocument, NamedPolicy } from '@sluice/authz';
import type { AttachedPolicy } from './attached-policy';

// Stream ids (DESIGN.md): one stream per aggregate. Account ids contain no ".", so `{account}.{name}` is unambiguous.
export const accountStream = (account: string) => `account-${account}`;
export const principalStream = (account: string, id: string) => `principal-${account}.${id}`;
export const groupStream = (account: string, name: string) => `group-${account}.${name}`;
// `token-{tokenId}`: declared in @sluice/authz, which the gateway reads it with.
export { tokenStream } from '@sluice/authz';
export const IDENTITY_STREAM_PREFIXES = ['account-', 'principal-', 'group-', 'token-'];

export type AccountEvent = { type: 'AccountCreated'; data: { account: string; createdAt: string } };

export type PolicyEvent =
  | { type: 'PolicyAttached'; data: { policy: AttachedPolicy } }
  | { type: 'PolicyDetached'; data: { policyName: string } };

/** Users and roles share one stream per principal id: a name is either a user or a role in an account. */
export type PrincipalEvent =
  | { type: 'UserCreated'; data: { account: string; userName: string; createdAt: string } }
  | { type: 'RoleCreated'; data: { account: string; roleName: string; trustPolicy: TrustPolicyDocument; maxSessionDurationSeconds: number; description: string | null; createdAt: string } }
  | PolicyEvent;

export type GroupEvent =
  | { type: 'GroupCreated'; data: { account: string; groupName: string; createdAt: string } }
  | { type: 'UserAddedToGroup'; data: { userName: string } }
  | PolicyEvent;

/** A role session: who assumed the role, and the session policy narrowing it. */
export interface RoleSession {
  sessionName: string;
  assumedBy: PrincipalRef;
  sessionPolicy: NamedPolicy | null;
}

/** Only the SHA-256 of the secret is ever stored (decision 0020). */
export type TokenEvent =
  | {
      type: 'TokenCreated';
      data: { tokenId: string; account: string; principalId: string; tokenHash: string; createdAt: string; expiresAt: string; description: string | null; session: RoleSession | null };
    }
  | { type: 'TokenRevoked'; data: { revokedAt: string } };

export type IdentityEvent = AccountEvent | PrincipalEvent | GroupEvent | TokenEvent;
