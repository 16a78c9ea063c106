import { ConflictError, NotFoundError } from '@sluice/domain';
import type { AttachedPolicy } from './attached-policy';
import type { PolicyEvent } from '@sluice/contracts';

/** Attaching and detaching, shared by users, groups and roles: policy names are unique per holder. */
export function decideAttach(holder: string, attached: readonly string[], policy: AttachedPolicy): PolicyEvent[] {
  if (attached.includes(policy.name)) throw new ConflictError(`${holder} already has a policy named '${policy.name}'; detach it first.`, 'POLICY_NAME_IN_USE');
  return [{ type: 'PolicyAttached', data: { policy } }];
}

export function decideDetach(holder: string, attached: readonly string[], policyName: string): PolicyEvent[] {
  if (!attached.includes(policyName)) throw new NotFoundError('policy', policyName, `${holder} has no policy named '${policyName}'.`);
  return [{ type: 'PolicyDetached', data: { policyName } }];
}

export function evolvePolicies(names: readonly string[], event: PolicyEvent): readonly string[] {
  return event.type === 'PolicyAttached' ? [...names, event.data.policy.name] : names.filter((name) => name !== event.data.policyName);
}
