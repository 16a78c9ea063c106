import type { NamedPolicy, Principal, PrincipalRef, TrustPolicyDocument } from '@sluice/authz';
import type { RecordedEvent } from '@sluice/eventing';
import { type AttachedPolicy, namedPolicyOf } from '../domain/attached-policy';
import type { IdentityEvent, RoleSession } from '@sluice/contracts';

export interface UserView {
  kind: 'User';
  account: string;
  id: string;
  createdAt: string;
  policies: AttachedPolicy[];
  groups: string[];
}

export interface RoleView {
  kind: 'Role';
  account: string;
  id: string;
  createdAt: string;
  policies: AttachedPolicy[];
  trustPolicy: TrustPolicyDocument;
  maxSessionDurationSeconds: number;
  description: string | null;
}

export type PrincipalView = UserView | RoleView;

export interface GroupView {
  account: string;
  name: string;
  createdAt: string;
  members: string[];
  policies: AttachedPolicy[];
}

export interface TokenView {
  tokenId: string;
  account: string;
  principalId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  description: string | null;
  session: RoleSession | null;
  revokedAt: string | null;
}

/** Who a token stands for, as the gateway needs it. */
export interface AuthenticatedPrincipal {
  principal: Principal;
  expiresAt: string;
  actor: string;
  tokenId: string;
}

const key = (account: string, id: string) => `${account}\u0000${id}`;

/**
 * Accounts, users, roles, groups and tokens in memory, rebuilt by replay at start. Tokens are indexed
 * by hash so authentication is one Map lookup. A principal's `Principal` (its policy documents) is built
 * once and kept until one of its policies or groups changes: the authorizer compiles each document once
 * per object (decision 0011), so keeping the objects keeps the compiled form.
 */
export class IdentityReadModel {
  private readonly accounts = new Map<string, string>();
  private readonly principals = new Map<string, PrincipalView>();
  private readonly groups = new Map<string, GroupView>();
  private readonly tokens = new Map<string, TokenView>();
  private readonly tokensByHash = new Map<string, TokenView>();
  private readonly built = new Map<string, Principal>();

  apply(event: RecordedEvent): void {
    const e = { type: event.type, data: event.data } as IdentityEvent;
    const [kind] = event.streamId.split('-', 1);
    switch (e.type) {
      case 'AccountCreated':
        this.accounts.set(e.data.account, e.data.createdAt);
        return;
      case 'UserCreated':
        this.principals.set(key(e.data.account, e.data.userName), { kind: 'User', account: e.data.account, id: e.data.userName, createdAt: e.data.createdAt, policies: [], groups: [] });
        return;
      case 'RoleCreated':
        this.principals.set(key(e.data.account, e.data.roleName), {
          kind: 'Role',
          account: e.data.account,
          id: e.data.roleName,
          createdAt: e.data.createdAt,
          policies: [],
          trustPolicy: e.data.trustPolicy,
          maxSessionDurationSeconds: e.data.maxSessionDurationSeconds,
          description: e.data.description,
        });
        return;
      case 'GroupCreated':
        this.groups.set(key(e.data.account, e.data.groupName), { account: e.data.account, name: e.data.groupName, createdAt: e.data.createdAt, members: [], policies: [] });
        return;
      case 'UserAddedToGroup': {
        const group = this.groupOfStream(event.streamId);
        if (!group) return;
        group.members.push(e.data.userName);
        const user = this.principals.get(key(group.account, e.data.userName));
        if (user?.kind === 'User') user.groups.push(group.name);
        this.built.clear();
        return;
      }
      case 'PolicyAttached':
      case 'PolicyDetached': {
        const holder = kind === 'group' ? this.groupOfStream(event.streamId) : this.principalOfStream(event.streamId);
        if (!holder) return;
        if (e.type === 'PolicyAttached') holder.policies.push(e.data.policy);
        else holder.policies = holder.policies.filter((policy) => policy.name !== e.data.policyName);
        this.built.clear();
        return;
      }
      case 'TokenCreated': {
        const token: TokenView = { ...e.data, revokedAt: null };
        this.tokens.set(token.tokenId, token);
        this.tokensByHash.set(token.tokenHash, token);
        return;
      }
      case 'TokenRevoked': {
        const token = this.tokens.get(event.streamId.slice('token-'.length));
        if (token) token.revokedAt = e.data.revokedAt;
        return;
      }
    }
  }

  /** Everything folded (the `built` cache left out), keys sorted: rebuilt and live copies compare deep-equal. */
  contents() {
    return {
      accounts: sortedMap(this.accounts),
      principals: sortedMap(this.principals),
      groups: sortedMap(this.groups),
      tokens: sortedMap(this.tokens),
      tokensByHash: sortedMap(this.tokensByHash),
    };
  }

  hasAccount(account: string): boolean {
    return this.accounts.has(account);
  }

  principal(account: string, id: string): PrincipalView | undefined {
    return this.principals.get(key(account, id));
  }

  group(account: string, name: string): GroupView | undefined {
    return this.groups.get(key(account, name));
  }

  token(tokenId: string): TokenView | undefined {
    return this.tokens.get(tokenId);
  }

  principalsOf(account: string, kind: PrincipalView['kind']): PrincipalView[] {
    return [...this.principals.values()].filter((p) => p.account === account && p.kind === kind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  tokensOf(account: string, principalId?: string): TokenView[] {
    return [...this.tokens.values()].filter((t) => t.account === account && (principalId === undefined || t.principalId === principalId));
  }

  /** The principal as `authorize` takes it: its own policies, then its groups' (users) — built once per change. */
  authorizationPrincipal(account: string, id: string): Principal | undefined {
    const k = key(account, id);
    const cached = this.built.get(k);
    if (cached) return cached;
    const view = this.principals.get(k);
    if (!view) return undefined;
    const policies: NamedPolicy[] = view.policies.map((policy) => namedPolicyOf(account, policy));
    if (view.kind === 'User') {
      for (const groupName of view.groups) {
        for (const policy of this.groups.get(key(account, groupName))?.policies ?? []) {
          // Two groups may attach policies with the same name; the authorizer cites names, so qualify them.
          const named = namedPolicyOf(account, policy);
          policies.push({ name: `${groupName}/${named.name}`, document: named.document });
        }
      }
    }
    const principal: Principal = { id, account, policies };
    this.built.set(k, principal);
    return principal;
  }

  /** The principal of a token, or undefined when it is unknown, revoked, expired, or its principal is gone. */
  authenticate(tokenHash: string, now: Date): AuthenticatedPrincipal | undefined {
    const token = this.tokensByHash.get(tokenHash);
    if (!token || token.revokedAt !== null || Date.parse(token.expiresAt) <= now.getTime()) return undefined;
    return this.principalOfToken(token);
  }

  /** The principal a token stands for (a role session's narrowed role), without checking expiry. */
  principalOfToken(token: TokenView): AuthenticatedPrincipal | undefined {
    const base = this.authorizationPrincipal(token.account, token.principalId);
    if (!base) return undefined;
    if (!token.session) return { principal: base, expiresAt: token.expiresAt, actor: token.principalId, tokenId: token.tokenId };
    const { assumedBy, sessionPolicy } = token.session;
    const principal: Principal = { ...base, assumedBy, ...(sessionPolicy ? { sessionPolicy } : {}) };
    return { principal, expiresAt: token.expiresAt, actor: sessionActor(token.principalId, token.account, assumedBy), tokenId: token.tokenId };
  }

  private groupOfStream(streamId: string): GroupView | undefined {
    const [account, name] = splitStreamKey(streamId, 'group-');
    return this.groups.get(key(account, name));
  }

  private principalOfStream(streamId: string): PrincipalView | undefined {
    const [account, id] = splitStreamKey(streamId, 'principal-');
    return this.principals.get(key(account, id));
  }
}

/** `role/Deployer (assumed by alice@acme)`; the account is named when the session crosses accounts. */
export function sessionActor(roleId: string, roleAccount: string, assumedBy: PrincipalRef): string {
  const who = assumedBy.account === roleAccount ? assumedBy.id : `${assumedBy.id} of ${assumedBy.account}`;
  return `role/${roleId} (assumed by ${who})`;
}

// `{prefix}{account}.{name}`: account ids hold no ".", so the first "." separates them.
function splitStreamKey(streamId: string, prefix: string): [string, string] {
  const rest = streamId.slice(prefix.length);
  const dot = rest.indexOf('.');
  return [rest.slice(0, dot), rest.slice(dot + 1)];
}

function sortedMap<T>(map: Map<string, T>): Map<string, T> {
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
