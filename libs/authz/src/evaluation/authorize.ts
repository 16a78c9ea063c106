import { quote } from '@sluice/domain';
import { findAction } from '../actions/action-catalogue';
import { parseRequestResource } from '../actions/request-resource';
import { resolveConditionValues } from './condition-evaluation';
import { type DecidingStatement, type Decision, describeStatement } from './decision';
import { evaluatePolicySet } from './policy-evaluation';
import type { PolicyVariableValues } from '../policy/policy-variables';
import type { AuthorizationRequest, Principal } from './principal';

/**
 * The one authorization path. Order, as in IAM: an explicit deny in any policy (session policy
 * included) wins; then a resource of another account is denied (only a role of that account reaches
 * it); then the principal's policies must allow, and, when there is a session policy, it must allow too.
 * Throws RangeError for an action outside the catalogue or a resource that is not a concrete Sluice
 * resource (callers' bugs), ValidationError for an attached policy that is not valid.
 */
export function authorize(request: AuthorizationRequest): Decision {
  return evaluateRequest(request, { sameAccountOnly: true });
}

export function evaluateRequest({ principal, action, resource, context }: AuthorizationRequest, options: { sameAccountOnly: boolean }): Decision {
  const definition = findAction(action);
  if (!definition) throw new RangeError(`${quote(action)} is not a Sluice action.`);
  const target = parseRequestResource(resource);
  if (!target.ok) throw new RangeError(target.problem);
  const values = resolveConditionValues({ context, principal, resourceAccount: target.account });
  const variables = policyVariablesOf(principal);
  const asked = `${definition.name} on ${resource}`;

  const identity = evaluatePolicySet(principal.policies, definition.name, resource, values, variables);
  if (identity.deny) return explicitDeny(identity.deny, asked);
  const session = principal.sessionPolicy ? evaluatePolicySet([principal.sessionPolicy], definition.name, resource, values, variables) : undefined;
  if (session?.deny) return explicitDeny(session.deny, asked);

  if (options.sameAccountOnly && target.account !== principal.account) {
    return {
      allowed: false,
      decision: 'ImplicitDeny',
      reason: 'cross_account',
      explanation: `${asked} is denied: the resource is in account "${target.account}" and the principal in account "${principal.account}"; another account's resources are reached only by assuming one of its roles.`,
    };
  }
  if (!identity.allow) {
    return { allowed: false, decision: 'ImplicitDeny', reason: 'no_matching_allow', explanation: `${asked} is denied: no statement allows it (implicit deny).` };
  }
  if (session && !session.allow) {
    return {
      allowed: false,
      decision: 'ImplicitDeny',
      reason: 'not_allowed_by_session_policy',
      explanation: `${asked} is denied: ${describeStatement(identity.allow)} allows it, but the session policy does not.`,
    };
  }
  const narrowedBy = session?.allow ? ` and the session policy's ${describeStatement(session.allow)}` : '';
  return { allowed: true, decision: 'Allow', decidingStatement: identity.allow, explanation: `${asked} is allowed by ${describeStatement(identity.allow)}${narrowedBy}.` };
}

/** `${sluice:username}`: the user's own name; a role session has none (IAM's `aws:username` is absent for roles too). */
export function policyVariablesOf(principal: Principal): PolicyVariableValues {
  return principal.assumedBy ? {} : { username: principal.id };
}

function explicitDeny(statement: DecidingStatement, asked: string): Decision {
  return { allowed: false, decision: 'ExplicitDeny', decidingStatement: statement, explanation: `${asked} is denied explicitly by ${describeStatement(statement)}.` };
}

/**
 * The caller's own policies on a resource of any account, without the account boundary: the caller's half of
 * `authorizeAssumeRole`, for a gateway that authorizes `assumeRole` before the service that keeps the role's
 * trust policy asks the other half.
 */
export function authorizeOwnPolicies(request: AuthorizationRequest): Decision {
  return evaluateRequest(request, { sameAccountOnly: false });
}
