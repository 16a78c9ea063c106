import { RESOURCE_NAME_PREFIX } from '@sluice/domain';
import { findAction } from '../actions/action-catalogue';
import { globToRegExp } from '../matching/glob';
import { asList, type NamedPolicy, type PolicyStatement } from '../policy/policy-document';
import type { Principal } from './principal';

export interface EveryPipelineDecision {
  allowed: boolean;
  explanation: string;
}

/** Pipeline names unlike each other: a pattern that matches all of them is taken to match every pipeline. */
const SAMPLE_NAMES = ['a', 'Z9', 'web.api-1_x@y', 'x'.repeat(100)];

/**
 * Whether `action` is allowed on every pipeline of `account` at once — what a field needs that reads a
 * resource of each pipeline an answer lists (`listPipelines { … state }`), when the names are not known
 * before the answer. Conservative: allowed only by an unconditional Allow whose Resource covers the whole
 * account (`srn:sluice:acme:*`, `*`), and refused by any Deny of the action that could reach a pipeline of
 * the account, whatever its conditions; the session policy of a role must say the same. A principal that
 * falls short asks for each pipeline by name.
 */
export function authorizeEveryPipeline(principal: Principal, action: string, account: string): EveryPipelineDecision {
  const definition = findAction(action);
  if (!definition) throw new RangeError(`"${action}" is not a Sluice action.`);
  const asked = `${definition.name} on every pipeline of ${RESOURCE_NAME_PREFIX}${account}:`;
  if (principal.account !== account) return { allowed: false, explanation: `${asked} is denied: the principal is in account "${principal.account}".` };
  const sets: Array<{ what: string; policies: readonly NamedPolicy[] }> = [
    { what: 'its policies', policies: principal.policies },
    ...(principal.sessionPolicy ? [{ what: 'the session policy', policies: [principal.sessionPolicy] }] : []),
  ];
  for (const { what, policies } of sets) {
    const statements = policies.flatMap((policy) => policy.document.Statement.map((statement) => ({ policy: policy.name, statement }))).filter(({ statement }) => appliesToAction(statement, definition.name));
    const deny = statements.find(({ statement }) => statement.Effect === 'Deny' && mayReachAccount(statement, account));
    if (deny) return { allowed: false, explanation: `${asked} is denied: "${deny.policy}" denies it on some pipelines; ask for each pipeline by name.` };
    if (!statements.some(({ statement }) => statement.Effect === 'Allow' && statement.Condition === undefined && coversAccount(statement, account))) {
      return { allowed: false, explanation: `${asked} is denied: no statement of ${what} allows it on the whole account; ask for each pipeline by name.` };
    }
  }
  return { allowed: true, explanation: `${asked} is allowed.` };
}

function appliesToAction(statement: PolicyStatement, action: string): boolean {
  const matches = (patterns: readonly string[]) => patterns.some((pattern) => globToRegExp(pattern, { ignoreCase: true }).test(action));
  return statement.Action !== undefined ? matches(asList(statement.Action)) : !matches(asList(statement.NotAction));
}

function samples(account: string): string[] {
  return SAMPLE_NAMES.map((name) => `${RESOURCE_NAME_PREFIX}${account}:${name}`);
}

/** Every sample pipeline of the account is in the statement's Resource (a NotResource never covers everything for sure). */
function coversAccount(statement: PolicyStatement, account: string): boolean {
  if (statement.Resource === undefined) return false;
  const patterns = asList(statement.Resource).map((pattern) => globToRegExp(pattern, { ignoreCase: false }));
  return samples(account).every((resource) => patterns.some((pattern) => pattern.test(resource)));
}

/** Whether a statement's resources could name some pipeline of the account: any wildcard that could, any literal of it, any NotResource. */
function mayReachAccount(statement: PolicyStatement, account: string): boolean {
  if (statement.Resource === undefined) return true;
  const prefix = `${RESOURCE_NAME_PREFIX}${account}:`;
  return asList(statement.Resource).some((pattern) => {
    if (pattern.startsWith(prefix)) return true;
    const wildcard = pattern.search(/[*?]/);
    if (wildcard === -1) return false;
    // The literal part before the first wildcard is compatible with the account's prefix.
    const literal = pattern.slice(0, wildcard);
    return prefix.startsWith(literal) || literal.startsWith(prefix) || samples(account).some((resource) => globToRegExp(pattern, { ignoreCase: false }).test(resource));
  });
}
