import { validatePolicyDocument } from '../policy/validate-policy-document';
import { allow, AT_NOON, deny, policy, principal } from '../testing/policy-builders';
import { authorize } from './authorize';
import type { Principal } from './principal';

const ALICE = 'srn:sluice:acme:principal/alice';
const ADMIN = 'srn:sluice:acme:principal/admin';

const decide = (who: Principal, action: string, resource: string) => authorize({ principal: who, action, resource, context: AT_NOON });

describe('${sluice:username} in Resource', () => {
  const own = policy('OwnTokens', allow('sluice:CreateToken', 'srn:sluice:acme:principal/${sluice:username}'));

  it('allows a user on its own principal and nobody else\'s', () => {
    const alice = principal('alice', 'acme', [own]);
    expect(decide(alice, 'sluice:CreateToken', ALICE)).toMatchObject({ allowed: true, decidingStatement: { policyName: 'OwnTokens', index: 0 } });
    expect(decide(alice, 'sluice:CreateToken', ADMIN)).toEqual({
      allowed: false,
      decision: 'ImplicitDeny',
      reason: 'no_matching_allow',
      explanation: 'sluice:CreateToken on srn:sluice:acme:principal/admin is denied: no statement allows it (implicit deny).',
    });
  });

  it('takes IAM\'s ${aws:username} and any case of the name', () => {
    for (const resource of ['srn:sluice:acme:principal/${aws:username}', 'srn:sluice:acme:principal/${Sluice:UserName}']) {
      const alice = principal('alice', 'acme', [policy('p', allow('sluice:CreateAccessKey', resource))]);
      expect([decide(alice, 'sluice:CreateAccessKey', ALICE).allowed, decide(alice, 'sluice:CreateAccessKey', ADMIN).allowed]).toEqual([true, false]);
    }
  });

  it('matches the substituted name literally, around wildcards of the pattern', () => {
    const prefixed = principal('ops', 'acme', [policy('p', allow('sluice:ListTokens', 'srn:sluice:acme:principal/${sluice:username}-*'))]);
    expect(decide(prefixed, 'sluice:ListTokens', 'srn:sluice:acme:principal/ops-bot').allowed).toBe(true);
    expect(decide(prefixed, 'sluice:ListTokens', 'srn:sluice:acme:principal/opsx-bot').allowed).toBe(false);
    // A user name with a "." is no wildcard: "a.b" does not match "axb".
    const dotted = principal('a.b', 'acme', [own]);
    expect(decide(dotted, 'sluice:CreateToken', 'srn:sluice:acme:principal/axb').allowed).toBe(false);
    expect(decide(dotted, 'sluice:CreateToken', 'srn:sluice:acme:principal/a.b').allowed).toBe(true);
  });

  it('writes a literal * with ${*}', () => {
    const who = principal('alice', 'acme', [policy('p', allow('sluice:ListTokens', 'srn:sluice:acme:principal/${sluice:username}${*}'))]);
    expect(decide(who, 'sluice:ListTokens', 'srn:sluice:acme:principal/alice-2').allowed).toBe(false);
  });

  it('fails closed for a role session, which has no user name: its Allow does not apply, its Deny does', () => {
    const session = principal('deployer', 'acme', [own, policy('Everything', allow('sluice:*', 'srn:sluice:acme:*'))], { assumedBy: { id: 'bob', account: 'globex' } });
    expect(decide(session, 'sluice:ListPipelines', 'srn:sluice:acme:').allowed).toBe(true);
    const onlyOwn = principal('deployer', 'acme', [own], { assumedBy: { id: 'bob', account: 'globex' } });
    expect(decide(onlyOwn, 'sluice:CreateToken', 'srn:sluice:acme:principal/deployer').allowed).toBe(false);
    const guarded = principal('deployer', 'acme', [policy('Everything', allow('sluice:*', '*')), policy('NotOthers', { Effect: 'Deny', Action: 'sluice:CreateToken', NotResource: 'srn:sluice:acme:principal/${sluice:username}' })], {
      assumedBy: { id: 'bob', account: 'globex' },
    });
    expect(decide(guarded, 'sluice:CreateToken', 'srn:sluice:acme:principal/deployer').decision).toBe('ExplicitDeny');
  });

  it('denies everybody else\'s credentials with Deny + NotResource', () => {
    const alice = principal('alice', 'acme', [policy('Everything', allow('sluice:*', '*')), policy('NotOthers', deny('sluice:DeleteAccessKey', '*'), allow('sluice:GetPipeline', '*'))]);
    expect(decide(alice, 'sluice:DeleteAccessKey', ALICE).decision).toBe('ExplicitDeny');
    const onlyOwn = principal('alice', 'acme', [policy('Everything', allow('sluice:*', '*')), policy('NotOthers', { Effect: 'Deny', Action: 'sluice:DeleteAccessKey', NotResource: 'srn:sluice:acme:principal/${sluice:username}' })]);
    expect([decide(onlyOwn, 'sluice:DeleteAccessKey', ALICE).decision, decide(onlyOwn, 'sluice:DeleteAccessKey', ADMIN).decision]).toEqual(['Allow', 'ExplicitDeny']);
  });
});

describe('validating policy variables and principal resources', () => {
  const withResource = (resource: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:CreateToken', Resource: resource }] });

  it.each([
    'srn:sluice:acme:principal/${sluice:username}',
    'srn:sluice:acme:principal/${aws:username}',
    'srn:sluice:*:principal/*',
    'srn:sluice:acme:principal/ci+bot=1,x@y.z_-',
    'srn:sluice:acme:principal/${sluice:username}${*}',
  ])('accepts %s', (resource) => expect(validatePolicyDocument(withResource(resource)).valid).toBe(true));

  it.each([
    ['srn:sluice:acme:principal/${sluice:userid}', 'is not a policy variable'],
    ['srn:sluice:acme:principal/${sluice:username', 'has no closing'],
    ['srn:sluice:acme:principal/', 'must have 1 to 128 characters'],
    // Neither a principal nor a stage of a pipeline named "principal" ('a/b' is the action b of its stage a).
    ['srn:sluice:acme:principal/a b', 'The principal id "a b" contains the space character'],
  ])('refuses %s naming the problem at its path', (resource, message) => {
    const result = validatePolicyDocument(withResource(resource));
    expect(result).toMatchObject({ valid: false, issues: [{ path: '$.Statement[0].Resource', code: 'invalid_resource', message: expect.stringContaining(message) }] });
  });
});
