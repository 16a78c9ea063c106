import { adminPolicy, approverPolicy, type NamedPolicy, operatorPolicy, type PolicyDocument, readOnlyPolicy } from '@sluice/authz';
import { assertNever } from '@sluice/domain';

export const MANAGED_POLICY_NAMES = ['ReadOnly', 'Operator', 'Approver', 'Admin'] as const;
export type ManagedPolicyName = (typeof MANAGED_POLICY_NAMES)[number];

/** A policy as attached to a user, group or role: a managed one by name (Approver with its scope), or an inline document. */
export type AttachedPolicy =
  | { type: 'managed'; name: Exclude<ManagedPolicyName, 'Approver'> }
  | { type: 'managed'; name: 'Approver'; pipeline: string; stage: string | null; action: string | null }
  | { type: 'inline'; name: string; document: PolicyDocument };

/** The document the authorizer evaluates; managed ones are computed for the account from the catalogue. */
export function namedPolicyOf(account: string, policy: AttachedPolicy): NamedPolicy {
  if (policy.type === 'inline') return { name: policy.name, document: policy.document };
  switch (policy.name) {
    case 'ReadOnly':
      return readOnlyPolicy(account);
    case 'Operator':
      return operatorPolicy(account);
    case 'Admin':
      return adminPolicy(account);
    case 'Approver':
      return approverPolicy(account, policy.pipeline, policy.stage ?? undefined, policy.action ?? undefined);
    default:
      return assertNever(policy);
  }
}
