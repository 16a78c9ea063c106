import type { NamedPolicy } from '../policy/policy-document';
import { statementsForAction } from './compiled-policy';
import type { PolicyVariableValues } from '../policy/policy-variables';
import { type ConditionValues, conditionsHold } from './condition-evaluation';
import type { DecidingStatement } from './decision';

/** What a set of policies says about one request: the first statement that denies and the first that allows. `action` is in catalogue spelling. */
export interface PolicySetVerdict {
  deny?: DecidingStatement;
  allow?: DecidingStatement;
}

export function evaluatePolicySet(policies: readonly NamedPolicy[], action: string, resource: string, values: ConditionValues, variables: PolicyVariableValues = {}): PolicySetVerdict {
  let allow: DecidingStatement | undefined;
  for (const policy of policies) {
    for (const statement of statementsForAction(policy.document, policy.name, action)) {
      // Once an allow is found only a deny can change the outcome, so allow statements are skipped.
      if (allow && statement.effect === 'Allow') continue;
      if (!statement.appliesToResource(resource, variables)) continue;
      if (!conditionsHold(statement.conditions, values)) continue;
      const decidedBy: DecidingStatement = { policyName: policy.name, index: statement.index, ...(statement.sid !== undefined ? { sid: statement.sid } : {}) };
      if (statement.effect === 'Deny') return { deny: decidedBy, allow };
      allow = decidedBy;
    }
  }
  return { allow };
}
