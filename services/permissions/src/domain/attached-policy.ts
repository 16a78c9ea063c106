import { adminPolicy, approverPolicy, type NamedPolicy, operatorPolicy, readOnlyPolicy } from '@sluice/authz';
import type { AttachedPolicy } from '@sluice/contracts';
import { assertNever } from '@sluice/domain';

export { MANAGED_POLICY_NAMES, type AttachedPolicy, type ManagedPolicyName } from '@sluice/contracts';


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
