import { ValidationError } from '@sluice/domain';
import { adminPolicy } from '../managed/managed-policies';
import { allow, AT_NOON, context, deny, policy, principal } from '../testing/policy-builders';
import { authorizeAssumeRole, canAssumeRole } from './can-assume-role';
import type { TrustPolicyDocument } from './trust-policy';

const trustGlobex: TrustPolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'GlobexDeployers', Effect: 'Allow', Principal: { Sluice: ['srn:sluice:globex:root'] }, Action: 'sluice:AssumeRole', Condition: { IpAddress: { 'sluice:SourceIp': '203.0.113.0/24' } } },
    { Sid: 'Initech', Effect: 'Allow', Principal: { Sluice: 'srn:sluice:initech:principal/carol' }, Action: 'sluice:AssumeRole' },
    { Sid: 'NotMallory', Effect: 'Deny', Principal: { Sluice: 'srn:sluice:globex:principal/mallory' }, Action: 'sluice:AssumeRole' },
  ],
};

describe('canAssumeRole', () => {
  it.each([
    ['a principal of a trusted account', { id: 'bob', account: 'globex' }, AT_NOON, 'Allow', 'GlobexDeployers'],
    ['a trusted account, but from outside the allowed network', { id: 'bob', account: 'globex' }, context({ sourceIp: '198.51.100.1' }), 'ImplicitDeny', undefined],
    ['a principal named by id', { id: 'carol', account: 'initech' }, AT_NOON, 'Allow', 'Initech'],
    ['another principal of that account', { id: 'dave', account: 'initech' }, AT_NOON, 'ImplicitDeny', undefined],
    ['a principal denied by name, though its account is trusted', { id: 'mallory', account: 'globex' }, AT_NOON, 'ExplicitDeny', 'NotMallory'],
    ['a principal of an untrusted account with the same id', { id: 'carol', account: 'globex-eu' }, AT_NOON, 'ImplicitDeny', undefined],
  ])('%s', (_label, who, requestContext, decision, sid) => {
    const result = canAssumeRole(trustGlobex, who, requestContext);
    expect(result.decision).toBe(decision);
    expect(result.decidingStatement?.sid).toBe(sid);
  });

  it('says why an untrusted principal is refused', () => {
    expect(canAssumeRole(trustGlobex, { id: 'dave', account: 'initech' }, AT_NOON)).toMatchObject({ reason: 'not_trusted', explanation: expect.stringContaining('srn:sluice:initech:principal/dave') });
  });

  it('refuses a trust policy that is not valid', () => {
    const broken = { Statement: [{ Effect: 'Allow', Principal: { Sluice: '*' }, Action: 'sluice:AssumeRole' }] } as TrustPolicyDocument;
    expect(() => canAssumeRole(broken, { id: 'bob', account: 'globex' }, AT_NOON)).toThrow(ValidationError);
  });
});

describe('authorizeAssumeRole: both sides must agree', () => {
  const role = { account: 'acme', trustPolicy: trustGlobex };
  const mayAssume = policy('AssumeAcmeRoles', allow('sluice:AssumeRole', 'srn:sluice:acme:'));

  it('allows when the principal\'s own policies allow AssumeRole on the role\'s account and the role trusts it', () => {
    const bob = principal('bob', 'globex', [mayAssume]);
    expect(authorizeAssumeRole({ principal: bob, role, context: AT_NOON })).toMatchObject({ allowed: true, decidingStatement: { policyName: 'TrustPolicy', sid: 'GlobexDeployers' } });
  });

  it('denies when the role trusts the account but the principal\'s own account did not grant AssumeRole', () => {
    const bob = principal('bob', 'globex', [adminPolicy('globex')]);
    expect(authorizeAssumeRole({ principal: bob, role, context: AT_NOON })).toMatchObject({ allowed: false, reason: 'no_matching_allow' });
  });

  it('denies when the principal may, but the role does not trust it', () => {
    const dave = principal('dave', 'initech', [mayAssume]);
    expect(authorizeAssumeRole({ principal: dave, role, context: AT_NOON })).toMatchObject({ allowed: false, reason: 'not_trusted' });
  });

  it.each([
    ['in the principal\'s policies', principal('bob', 'globex', [mayAssume, policy('NoRoles', deny('sluice:AssumeRole', '*'))]), 'NoRoles'],
    ['in the trust policy', principal('mallory', 'globex', [mayAssume]), 'TrustPolicy'],
  ])('an explicit deny %s wins', (_label, who, policyName) => {
    expect(authorizeAssumeRole({ principal: who, role, context: AT_NOON })).toMatchObject({ decision: 'ExplicitDeny', decidingStatement: { policyName } });
  });

  it('applies a session policy of the caller, so a narrowed session cannot assume roles it was not given', () => {
    const narrowed = principal('bob', 'globex', [mayAssume], { sessionPolicy: policy('session', allow('sluice:Get*', '*')) });
    expect(authorizeAssumeRole({ principal: narrowed, role, context: AT_NOON })).toMatchObject({ allowed: false, reason: 'not_allowed_by_session_policy' });
  });
});
