import { type Principal, type RequestContext, simulatePrincipalPolicy, type SimulationResult } from '@sluice/authz';
import { AccessDeniedError, NotFoundError } from '@sluice/domain';
import type { PermissionsProjection } from '../projections/permissions-projection';
import type { AuthenticatedPrincipal, PrincipalView, TokenView } from '../projections/identity-read-model';
import { hashToken, looksLikeToken } from '../domain/token-secret';
import type { Caller, Clock } from './caller';
import { myPermissions, type PermissionAnswer, type PermissionCheck } from './my-permissions';

export type TokenStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export interface SimulationContextInput {
  currentTime?: Date | null;
  sourceIp?: string | null;
  sourceBranch?: string | null;
  userAgent?: string | null;
}

/** Reads of the identity read model; every one is confined to the caller's account. */
export class IdentityQueries {
  constructor(
    private readonly projection: PermissionsProjection,
    private readonly clock: Clock,
  ) {}

  private get identities() {
    return this.projection.identities;
  }

  /** For the gateway: null for anything but a live token. */
  authenticate(token: string): AuthenticatedPrincipal | null {
    if (!looksLikeToken(token)) return null;
    return this.identities.authenticate(hashToken(token), this.clock()) ?? null;
  }

  getUser(caller: Caller, userName: string): PrincipalView {
    const view = this.identities.principal(caller.account, userName);
    if (!view || view.kind !== 'User') throw new NotFoundError('user', userName);
    return view;
  }

  getRole(caller: Caller, roleName: string): PrincipalView {
    const view = this.identities.principal(caller.account, roleName);
    if (!view || view.kind !== 'Role') throw new NotFoundError('role', roleName);
    return view;
  }

  listUsers(caller: Caller): PrincipalView[] {
    return this.identities.principalsOf(caller.account, 'User');
  }

  listRoles(caller: Caller): PrincipalView[] {
    return this.identities.principalsOf(caller.account, 'Role');
  }

  listTokens(caller: Caller, principalId: string | null): Array<TokenView & { status: TokenStatus }> {
    const now = this.clock().getTime();
    return this.identities
      .tokensOf(caller.account, principalId ?? undefined)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .map((token) => ({ ...token, status: token.revokedAt !== null ? 'REVOKED' : Date.parse(token.expiresAt) <= now ? 'EXPIRED' : 'ACTIVE' }));
  }

  /**
   * The caller's principal exactly as the gateway authorizes it: its token's (role sessions with their session
   * policy) when the token id is forwarded, else the principal header's. Undefined for a caller without either.
   */
  callerPrincipal(caller: Caller): Principal | undefined {
    return this.callerIdentity(caller).principal;
  }

  private callerIdentity(caller: Caller) {
    const token = caller.tokenId ? this.identities.token(caller.tokenId) : undefined;
    const authenticated = token ? this.identities.principalOfToken(token) : undefined;
    const principal = authenticated?.principal ?? (caller.principalId ? this.identities.authorizationPrincipal(caller.account, caller.principalId) : undefined);
    return { token, authenticated, principal };
  }

  /** The caller as the gateway authenticated it (its token when forwarded), with its policy names. */
  whoami(caller: Caller): { account: string; principalId: string | null; actor: string; tokenId: string | null; expiresAt: string | null; assumedBy: { id: string; account: string } | null; policies: string[] } {
    const { token, authenticated, principal } = this.callerIdentity(caller);
    return {
      account: caller.account,
      principalId: principal?.id ?? caller.principalId,
      actor: authenticated?.actor ?? caller.actor,
      tokenId: token?.tokenId ?? null,
      expiresAt: token?.expiresAt ?? null,
      assumedBy: principal?.assumedBy ?? null,
      policies: [...(principal?.policies.map((policy) => policy.name) ?? []), ...(principal?.sessionPolicy ? [principal.sessionPolicy.name] : [])],
    };
  }

  /** Which of the pairs the caller itself may do (decision 0023): its own rights only, so a token is enough. */
  myPermissions(caller: Caller, checks: readonly PermissionCheck[]): PermissionAnswer[] {
    return myPermissions(caller, this.callerPrincipal(caller), checks, this.clock());
  }

  simulatePrincipalPolicy(caller: Caller, principalId: string, actions: string[], resources: string[], context: SimulationContextInput | null): SimulationResult[] {
    const view = this.identities.principal(caller.account, principalId);
    if (!view) throw new NotFoundError('principal', principalId);
    const principal = this.identities.authorizationPrincipal(view.account, view.id);
    if (!principal) throw new AccessDeniedError(caller.actor, `The principal '${principalId}' cannot be simulated.`);
    const request: RequestContext = {
      currentTime: context?.currentTime ?? this.clock(),
      ...(context?.sourceIp ? { sourceIp: context.sourceIp } : {}),
      ...(context?.sourceBranch ? { sourceBranch: context.sourceBranch } : {}),
      ...(context?.userAgent ? { userAgent: context.userAgent } : {}),
    };
    return simulatePrincipalPolicy(principal, actions, resources, request);
  }
}
