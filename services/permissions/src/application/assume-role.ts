import { asList, authorizeAssumeRole, type NamedPolicy, parseTrustedPrincipal, type Principal, principalName, validatePolicyDocument } from '@sluice/authz';
import { AccessDeniedError, IllegalStateError, IssueCollector, NotFoundError, RESOURCE_NAME_PREFIX, ValidationError } from '@sluice/domain';
import { SESSION_DURATION } from '../domain/principal-decider';
import type { PermissionsProjection } from '../projections/permissions-projection';
import { sessionActor, type AuthenticatedPrincipal } from '../projections/identity-read-model';
import type { Caller, Clock } from './caller';
import type { CreatedToken, IdentityCommandHandlers } from './identity-command-handlers';

export interface AssumeRoleInput {
  /** The role's name in the caller's account, or `srn:sluice:{account}:principal/{role}` for another account's. */
  role: string;
  sessionName: string;
  sessionPolicy?: unknown;
  durationSeconds?: number | null;
}

export interface AssumedRole extends CreatedToken {
  actor: string;
  assumedBy: { id: string; account: string };
}

const SESSION_NAME = /^[A-Za-z0-9+=,.@_-]{2,64}$/;
export const SESSION_POLICY_NAME = 'SessionPolicy';

/**
 * A short-lived token for a role (decision 0020): the caller's own policies must allow
 * sluice:AssumeRole on the role's account and the role's trust policy must allow the caller
 * (`authorizeAssumeRole`). A role session may assume another role only when that role's trust names
 * the calling role itself (not its account's root); the new session never outlives the calling one,
 * keeps its session policy and names the same original principal, so chaining never widens.
 */
export class AssumeRoleHandler {
  constructor(
    private readonly projection: PermissionsProjection,
    private readonly commands: IdentityCommandHandlers,
    private readonly clock: Clock,
  ) {}

  async assumeRole(caller: Caller, input: AssumeRoleInput): Promise<AssumedRole> {
    const now = this.clock();
    const calling = this.callingPrincipal(caller, now);
    const issues = new IssueCollector();
    if (!SESSION_NAME.test(input.sessionName)) issues.add('sessionName', 'invalid_session_name', 'The session name must have 2 to 64 characters: letters, digits and + = , . @ _ -.');
    const roleRef = this.roleRef(input.role, caller.account, issues);
    let sessionPolicy: NamedPolicy | undefined;
    if (input.sessionPolicy !== undefined && input.sessionPolicy !== null) {
      const validation = validatePolicyDocument(input.sessionPolicy);
      if (validation.valid) sessionPolicy = { name: SESSION_POLICY_NAME, document: validation.policy };
      else issues.addAll(validation.issues);
    }
    if (issues.count > 0 || !roleRef) throw new ValidationError(issues.issues, 'The assumeRole request is not valid');

    const role = this.projection.identities.principal(roleRef.account, roleRef.id);
    if (!role || role.kind !== 'Role') throw new NotFoundError('role', principalName(roleRef));
    const duration = input.durationSeconds ?? Math.min(SESSION_DURATION.defaultSeconds, role.maxSessionDurationSeconds);
    if (!Number.isInteger(duration) || duration < SESSION_DURATION.minSeconds || duration > role.maxSessionDurationSeconds) {
      throw new ValidationError(
        [{ path: 'durationSeconds', code: 'out_of_range', message: `A session of this role lasts from ${SESSION_DURATION.minSeconds} to ${role.maxSessionDurationSeconds} seconds (its maximum session duration).` }],
        'The assumeRole request is not valid',
      );
    }

    const context = { currentTime: now, ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}), ...(caller.userAgent ? { userAgent: caller.userAgent } : {}) };
    const decision = authorizeAssumeRole({ principal: calling.principal, role: { account: role.account, trustPolicy: role.trustPolicy }, context });
    if (!decision.allowed) throw new AccessDeniedError(principalName(calling.principal), decision.explanation);

    let expiresInSeconds = duration;
    let assumedBy = { id: calling.principal.id, account: calling.principal.account };
    if (calling.principal.assumedBy) {
      // Role chaining: only with the target's explicit consent, never longer, never wider.
      const named = principalName(calling.principal);
      const namesCallingRole = role.trustPolicy.Statement.some((statement) => statement.Effect === 'Allow' && asList(statement.Principal.Sluice).includes(named));
      if (!namesCallingRole) {
        throw new AccessDeniedError(named, `A role session may assume another role only when that role's trust policy names the calling role (${named}) itself; trusting its account's root is not enough.`);
      }
      if (sessionPolicy && calling.principal.sessionPolicy) {
        throw new ValidationError(
          [{ path: 'sessionPolicy', code: 'session_policy_not_allowed', message: 'The calling session is narrowed by a session policy, which the new session keeps; it cannot take another one.' }],
          'The assumeRole request is not valid',
        );
      }
      sessionPolicy = sessionPolicy ?? calling.principal.sessionPolicy;
      assumedBy = calling.principal.assumedBy;
      const remaining = Math.floor((Date.parse(calling.expiresAt) - now.getTime()) / 1000);
      if (remaining < SESSION_DURATION.minSeconds) {
        throw new IllegalStateError(`The calling session expires in ${remaining} s; a chained session cannot outlive it and must last at least ${SESSION_DURATION.minSeconds} s.`, 'SESSION_TOO_SHORT');
      }
      expiresInSeconds = Math.min(expiresInSeconds, remaining);
    }

    const session = { sessionName: input.sessionName, assumedBy, sessionPolicy: sessionPolicy ?? null };
    const actor = sessionActor(role.id, role.account, assumedBy);
    const created = await this.commands.issue({ account: role.account, actor: caller.actor }, role.id, expiresInSeconds, `session ${input.sessionName}`, session);
    return { ...created, actor, assumedBy };
  }

  /** The caller as authenticated by the gateway: its token (a session keeps its narrowing), else its principal id. */
  private callingPrincipal(caller: Caller, now: Date): Pick<AuthenticatedPrincipal, 'principal' | 'expiresAt'> {
    const identities = this.projection.identities;
    if (caller.tokenId) {
      const token = identities.token(caller.tokenId);
      const authenticated = token && token.revokedAt === null && Date.parse(token.expiresAt) > now.getTime() ? identities.principalOfToken(token) : undefined;
      if (!authenticated) throw new AccessDeniedError(caller.actor, 'The calling token is unknown, revoked or expired.');
      return authenticated;
    }
    const view = caller.principalId ? identities.principal(caller.account, caller.principalId) : undefined;
    // A role acts only through a session, whose narrowing and origin only its token carries.
    if (view?.kind === 'Role') throw new AccessDeniedError(caller.actor, 'A role session must be identified by its token (x-sluice-token-id), not by the role id alone.');
    const principal: Principal | undefined = view ? identities.authorizationPrincipal(view.account, view.id) : undefined;
    if (!principal) throw new AccessDeniedError(caller.actor, 'assumeRole needs an authenticated caller (the x-sluice-principal or x-sluice-token-id header the gateway sets).');
    return { principal, expiresAt: new Date(8.64e15).toISOString() };
  }

  private roleRef(role: string, callerAccount: string, issues: IssueCollector): { account: string; id: string } | undefined {
    if (!role.startsWith(RESOURCE_NAME_PREFIX)) {
      if (role.length === 0) issues.add('role', 'required', 'Name the role to assume.');
      return { account: callerAccount, id: role };
    }
    const parsed = parseTrustedPrincipal(role);
    if (parsed.ok && parsed.principal.kind === 'principal') return { account: parsed.principal.account, id: parsed.principal.id };
    issues.add('role', 'invalid_role', parsed.ok ? 'Name a role, srn:sluice:{account}:principal/{role}, not an account root.' : parsed.problem);
    return undefined;
  }
}
