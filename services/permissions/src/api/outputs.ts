import { principalName, type SimulationResult } from '@sluice/authz';
import { type AttachedPolicy, namedPolicyOf } from '../domain/attached-policy';
import type { GroupView, PrincipalView, TokenView } from '../projections/identity-read-model';
import type { StoredAuditRecord } from '../projections/audit-read-model';

export function attachedPolicyOutput(account: string, policy: AttachedPolicy) {
  return {
    name: policy.name,
    managed: policy.type === 'managed',
    approverScope: policy.type === 'managed' && policy.name === 'Approver' ? { pipeline: policy.pipeline, stage: policy.stage, action: policy.action } : null,
    document: namedPolicyOf(account, policy).document,
  };
}

export function userOutput(view: PrincipalView) {
  return {
    account: view.account,
    userName: view.id,
    srn: principalName(view),
    createdAt: view.createdAt,
    groups: view.kind === 'User' ? view.groups : [],
    policies: view.policies.map((policy) => attachedPolicyOutput(view.account, policy)),
  };
}

export function roleOutput(view: PrincipalView) {
  if (view.kind !== 'Role') throw new RangeError(`${view.id} is not a role`);
  return {
    account: view.account,
    roleName: view.id,
    srn: principalName(view),
    createdAt: view.createdAt,
    description: view.description,
    trustPolicy: view.trustPolicy,
    maxSessionDurationSeconds: view.maxSessionDurationSeconds,
    policies: view.policies.map((policy) => attachedPolicyOutput(view.account, policy)),
  };
}

export function groupOutput(view: GroupView) {
  return { account: view.account, groupName: view.name, members: view.members, policies: view.policies.map((policy) => attachedPolicyOutput(view.account, policy)) };
}

/** Never the hash: a listing says which tokens exist, not how to recognize them. */
export function tokenOutput(token: TokenView & { status: string }) {
  return {
    tokenId: token.tokenId,
    principalId: token.principalId,
    description: token.description,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    status: token.status,
    sessionName: token.session?.sessionName ?? null,
    assumedBy: token.session?.assumedBy ?? null,
  };
}

export function simulationOutput(result: SimulationResult) {
  const { decision } = result;
  return {
    action: result.action,
    resource: result.resource,
    resourceMatchesActionLevel: result.resourceMatchesActionLevel,
    decision: decision.decision,
    allowed: decision.allowed,
    decidingStatement: decision.decidingStatement ?? null,
    implicitDenyReason: decision.decision === 'ImplicitDeny' ? decision.reason : null,
    explanation: decision.explanation,
  };
}

export function auditEventOutput(stored: StoredAuditRecord) {
  return { ...stored.record, position: Number(stored.revision) };
}
