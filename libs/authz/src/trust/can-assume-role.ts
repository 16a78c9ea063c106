import { ValidationError, type ValidationIssue } from '@sluice/domain';
import { accountResourceName } from '../actions/request-resource';
import { evaluateRequest } from '../evaluation/authorize';
import { type CompiledCondition, compileConditions, conditionsHold, resolveConditionValues } from '../evaluation/condition-evaluation';
import { type DecidingStatement, type Decision, describeStatement } from '../evaluation/decision';
import type { Principal, PrincipalRef, RequestContext } from '../evaluation/principal';
import { asList, type Effect } from '../policy/policy-document';
import { principalName, parseTrustedPrincipal, type TrustedPrincipal, trusts } from './principal-name';
import { ASSUME_ROLE_ACTION, type TrustPolicyDocument } from './trust-policy';
import { validateTrustPolicy } from './validate-trust-policy';

export const TRUST_POLICY_NAME = 'TrustPolicy';

interface CompiledTrustStatement {
  index: number;
  sid?: string;
  effect: Effect;
  principals: readonly TrustedPrincipal[];
  conditions: readonly CompiledCondition[];
}

type Compiled = { ok: true; statements: readonly CompiledTrustStatement[] } | { ok: false; issues: readonly ValidationIssue[] };
const cache = new WeakMap<TrustPolicyDocument, Compiled>();

/**
 * Whether a role's trust policy lets `principal` assume the role: a Deny naming it wins, otherwise an
 * Allow must name it (or its account's root) with its conditions holding. The caller still enforces
 * the expiry of the principal's token and of the session it hands out; this function sees no clock
 * but `context.currentTime`.
 */
export function canAssumeRole(trustPolicy: TrustPolicyDocument, principal: PrincipalRef, context: RequestContext): Decision {
  const values = resolveConditionValues({ context, principal });
  const who = principalName(principal);
  let allow: DecidingStatement | undefined;
  for (const statement of compiledTrustStatements(trustPolicy)) {
    if (allow && statement.effect === 'Allow') continue;
    if (!statement.principals.some((trusted) => trusts(trusted, principal))) continue;
    if (!conditionsHold(statement.conditions, values)) continue;
    const decidedBy: DecidingStatement = { policyName: TRUST_POLICY_NAME, index: statement.index, ...(statement.sid !== undefined ? { sid: statement.sid } : {}) };
    if (statement.effect === 'Deny') {
      return { allowed: false, decision: 'ExplicitDeny', decidingStatement: decidedBy, explanation: `${who} may not assume the role: ${describeStatement(decidedBy)} denies it.` };
    }
    allow = decidedBy;
  }
  if (!allow) return { allowed: false, decision: 'ImplicitDeny', reason: 'not_trusted', explanation: `${who} may not assume the role: its trust policy does not allow it.` };
  return { allowed: true, decision: 'Allow', decidingStatement: allow, explanation: `${who} may assume the role by ${describeStatement(allow)}.` };
}

export interface AssumeRoleRequest {
  principal: Principal;
  role: { account: string; trustPolicy: TrustPolicyDocument };
  context: RequestContext;
}

/**
 * The only door into another account: the principal's own policies must allow `sluice:AssumeRole`
 * on the role's account (`srn:sluice:{roleAccount}:`), and the role's trust policy must allow the
 * principal. Deny in either wins; an Allow cites the trust statement, the role's consent.
 */
export function authorizeAssumeRole({ principal, role, context }: AssumeRoleRequest): Decision {
  const own = evaluateRequest({ principal, action: ASSUME_ROLE_ACTION, resource: accountResourceName(role.account), context }, { sameAccountOnly: false });
  if (own.decision === 'ExplicitDeny') return own;
  const trust = canAssumeRole(role.trustPolicy, principal, context);
  if (trust.decision === 'ExplicitDeny') return trust;
  if (!own.allowed) return own;
  if (!trust.allowed) return trust;
  return { ...trust, explanation: `${trust.explanation} Its own ${describeStatement(own.decidingStatement)} allows sluice:AssumeRole.` };
}

function compiledTrustStatements(document: TrustPolicyDocument): readonly CompiledTrustStatement[] {
  let compiled = cache.get(document);
  if (!compiled) {
    compiled = compile(document);
    cache.set(document, compiled);
  }
  if (!compiled.ok) throw new ValidationError(compiled.issues, 'The trust policy is not valid');
  return compiled.statements;
}

function compile(document: TrustPolicyDocument): Compiled {
  const validation = validateTrustPolicy(document);
  if (!validation.valid) return { ok: false, issues: validation.issues };
  const statements = document.Statement.map((statement, index): CompiledTrustStatement => ({
    index,
    sid: statement.Sid,
    effect: statement.Effect,
    principals: asList(statement.Principal.Sluice).flatMap((text) => {
      const parsed = parseTrustedPrincipal(text);
      return parsed.ok ? [parsed.principal] : [];
    }),
    conditions: compileConditions(statement.Condition),
  }));
  return { ok: true, statements };
}
