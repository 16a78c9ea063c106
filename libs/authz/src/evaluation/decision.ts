/** The outcome of an authorization, with the statement that decided it so a denial can be explained and audited. */
export interface DecidingStatement {
  policyName: string;
  sid?: string;
  /** Index of the statement in the policy's Statement array. */
  index: number;
}

export type ImplicitDenyReason =
  /** No statement of the principal's policies allows the request. */
  | 'no_matching_allow'
  /** The principal's policies allow it, but its session policy does not. */
  | 'not_allowed_by_session_policy'
  /** The resource is in another account, reachable only by assuming one of that account's roles. */
  | 'cross_account'
  /** The role's trust policy does not name the principal (or its conditions do not hold). */
  | 'not_trusted';

export type Decision =
  | { allowed: true; decision: 'Allow'; decidingStatement: DecidingStatement; explanation: string }
  | { allowed: false; decision: 'ExplicitDeny'; decidingStatement: DecidingStatement; explanation: string }
  | { allowed: false; decision: 'ImplicitDeny'; decidingStatement?: undefined; reason: ImplicitDenyReason; explanation: string };

export type DecisionKind = Decision['decision'];

export function describeStatement(statement: DecidingStatement): string {
  const which = statement.sid !== undefined ? `statement "${statement.sid}"` : `statement #${statement.index}`;
  return `${which} of policy "${statement.policyName}"`;
}
