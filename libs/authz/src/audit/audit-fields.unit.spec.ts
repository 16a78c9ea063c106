import { adminPolicy } from '../managed/managed-policies';
import { principal } from '../testing/policy-builders';
import { auditDecision, auditIdentity } from './audit-fields';

describe('audit fields', () => {
  it('names the original principal and the role it acted through, without policies', () => {
    const session = principal('deployer', 'acme', [adminPolicy('acme')], { assumedBy: { id: 'bob', account: 'globex' } });
    expect(auditIdentity(session)).toEqual({ principal: { id: 'bob', account: 'globex' }, viaRole: { id: 'deployer', account: 'acme' } });
    expect(auditIdentity(principal('alice', 'acme', [adminPolicy('acme')]))).toEqual({ principal: { id: 'alice', account: 'acme' }, viaRole: null });
  });

  it('keeps the decision and its statement, and null for an implicit deny', () => {
    expect(auditDecision({ allowed: true, decision: 'Allow', decidingStatement: { policyName: 'Admin', sid: 'Everything', index: 0 }, explanation: '…' })).toEqual({
      decision: 'Allow',
      decidingStatement: { policyName: 'Admin', sid: 'Everything', index: 0 },
    });
    expect(auditDecision({ allowed: false, decision: 'ImplicitDeny', reason: 'cross_account', explanation: '…' })).toEqual({ decision: 'ImplicitDeny', decidingStatement: null });
  });
});
