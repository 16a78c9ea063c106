import type { Decision } from '../evaluation/decision';
import type { Principal } from '../evaluation/principal';
import type { AuditRecord } from './audit-record';

/** Who, as the trail names it: the original principal, and the role when it acted through one. Policies stay out. */
export function auditIdentity(principal: Principal): Pick<AuditRecord, 'principal' | 'viaRole'> {
  const self = { id: principal.id, account: principal.account };
  return principal.assumedBy
    ? { principal: { id: principal.assumedBy.id, account: principal.assumedBy.account }, viaRole: self }
    : { principal: self, viaRole: null };
}

export function auditDecision(decision: Decision): Pick<AuditRecord, 'decision' | 'decidingStatement'> {
  const statement = decision.decidingStatement;
  return {
    decision: decision.decision,
    decidingStatement: statement ? { policyName: statement.policyName, index: statement.index, ...(statement.sid !== undefined ? { sid: statement.sid } : {}) } : null,
  };
}
