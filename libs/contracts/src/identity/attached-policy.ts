import type { PolicyDocument } from '@sluice/authz';

export const MANAGED_POLICY_NAMES = ['ReadOnly', 'Operator', 'Approver', 'Admin'] as const;
export type ManagedPolicyName = (typeof MANAGED_POLICY_NAMES)[number];

/** A policy as attached to a user, group or role: a managed one by name (Approver with its scope), or an inline document. */
export type AttachedPolicy =
  | { type: 'managed'; name: Exclude<ManagedPolicyName, 'Approver'> }
  | { type: 'managed'; name: 'Approver'; pipeline: string; stage: string | null; action: string | null }
  | { type: 'inline'; name: string; document: PolicyDocument };
