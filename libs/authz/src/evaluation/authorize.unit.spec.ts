import { ValidationError } from '@sluice/domain';
import { adminPolicy } from '../managed/managed-policies';
import { allow, AT_NOON, deny, policy, principal } from '../testing/policy-builders';
import { authorize } from './authorize';
import type { Principal } from './principal';

const WEB = 'srn:sluice:acme:web';
const WEB_DEPLOY = 'srn:sluice:acme:web/Deploy';
const WEB_APPROVE = 'srn:sluice:acme:web/Deploy/Approve';
const PROD = 'srn:sluice:acme:prod';
const ACME = 'srn:sluice:acme:';
const GLOBEX_WEB = 'srn:sluice:globex:web';

function decide(who: Principal, action: string, resource: string) {
  return authorize({ principal: who, action, resource, context: AT_NOON });
}

function allowedFor(statementPolicy: ReturnType<typeof policy>, action: string, resource: string): boolean {
  return decide(principal('alice', 'acme', [statementPolicy]), action, resource).allowed;
}

describe('authorize', () => {
  describe('default deny and the deciding statement', () => {
    it('denies implicitly when nothing allows', () => {
      expect(decide(principal('alice', 'acme', []), 'sluice:GetPipeline', WEB)).toEqual({
        allowed: false,
        decision: 'ImplicitDeny',
        reason: 'no_matching_allow',
        explanation: 'sluice:GetPipeline on srn:sluice:acme:web is denied: no statement allows it (implicit deny).',
      });
    });

    it('names the first statement that allows, by policy, Sid and index', () => {
      const who = principal('alice', 'acme', [
        policy('Unrelated', allow('sluice:ListPipelines', ACME)),
        policy('Readers', allow('sluice:DeletePipeline', WEB), allow('sluice:GetPipeline', WEB, { Sid: 'ReadWeb' }), allow('sluice:Get*', '*')),
      ]);
      expect(decide(who, 'sluice:GetPipeline', WEB)).toEqual({
        allowed: true,
        decision: 'Allow',
        decidingStatement: { policyName: 'Readers', sid: 'ReadWeb', index: 1 },
        explanation: 'sluice:GetPipeline on srn:sluice:acme:web is allowed by statement "ReadWeb" of policy "Readers".',
      });
    });
  });

  describe('action and resource wildcards', () => {
    it.each([
      ['sluice:*', 'sluice:DeletePipeline', WEB, true],
      ['*', 'sluice:DeletePipeline', WEB, true],
      ['sluice:Get*', 'sluice:GetPipelineState', WEB, true],
      ['sluice:Get*', 'sluice:ListPipelineExecutions', WEB, false],
      ['sluice:*Execution', 'sluice:StartPipelineExecution', WEB, true],
      ['sluice:*Execution', 'sluice:ListPipelineExecutions', WEB, false],
      ['SLUICE:getpipeline', 'sluice:GetPipeline', WEB, true],
      ['sluice:List?ipelines', 'sluice:ListPipelines', ACME, true],
    ])('Action %s covers %s: %s', (pattern, action, resource, expected) => {
      expect(allowedFor(policy('p', allow(pattern, '*')), action, resource)).toBe(expected);
    });

    it.each([
      ['srn:sluice:acme:web/*', 'sluice:PutApprovalResult', WEB_APPROVE, true],
      ['srn:sluice:acme:web/*', 'sluice:RetryStageExecution', WEB_DEPLOY, true],
      ['srn:sluice:acme:web/*', 'sluice:GetPipeline', WEB, false],
      ['srn:sluice:acme:web*', 'sluice:GetPipeline', 'srn:sluice:acme:web-staging', true],
      ['srn:sluice:acme:*', 'sluice:ListPipelines', ACME, true],
      ['srn:sluice:acme:?', 'sluice:ListPipelines', ACME, false],
      ['srn:sluice:*:*', 'sluice:GetPipeline', WEB, true],
      ['srn:sluice:acme:web/*/Approve', 'sluice:PutApprovalResult', WEB_APPROVE, true],
      ['srn:sluice:acme:web/Build/*', 'sluice:PutApprovalResult', WEB_APPROVE, false],
      ['srn:sluice:acme:Web', 'sluice:GetPipeline', WEB, false],
    ])('Resource %s covers %s on %s: %s', (pattern, action, resource, expected) => {
      expect(allowedFor(policy('p', allow('sluice:*', pattern)), action, resource)).toBe(expected);
    });
  });

  describe('NotAction and NotResource (IAM semantics)', () => {
    const allowAllButDelete = policy('p', { Effect: 'Allow', NotAction: 'sluice:DeletePipeline', Resource: '*' });
    const allowAllButProd = policy('p', { Effect: 'Allow', Action: 'sluice:*', NotResource: ['srn:sluice:acme:prod', 'srn:sluice:acme:prod/*'] });

    it('Allow + NotAction allows every other action, and only implicitly denies the named one', () => {
      const who = principal('alice', 'acme', [allowAllButDelete]);
      expect(decide(who, 'sluice:UpdatePipeline', WEB).decision).toBe('Allow');
      expect(decide(who, 'sluice:DeletePipeline', WEB).decision).toBe('ImplicitDeny');
    });

    it('Deny + NotAction denies every action but the named ones', () => {
      const who = principal('alice', 'acme', [adminPolicy('acme'), policy('OnlyReads', { Effect: 'Deny', NotAction: ['sluice:Get*', 'sluice:List*'], Resource: '*' })]);
      expect(decide(who, 'sluice:GetPipelineState', WEB).decision).toBe('Allow');
      expect(decide(who, 'sluice:StartPipelineExecution', WEB)).toMatchObject({ decision: 'ExplicitDeny', decidingStatement: { policyName: 'OnlyReads', index: 0 } });
    });

    it('Allow + NotResource allows everywhere but the named resources', () => {
      const who = principal('alice', 'acme', [allowAllButProd]);
      expect(decide(who, 'sluice:DeletePipeline', WEB).allowed).toBe(true);
      expect(decide(who, 'sluice:DeletePipeline', PROD).decision).toBe('ImplicitDeny');
      expect(decide(who, 'sluice:RollbackStage', 'srn:sluice:acme:prod/Deploy').decision).toBe('ImplicitDeny');
    });

    it('Deny + NotResource denies everywhere but the named resources', () => {
      const who = principal('alice', 'acme', [adminPolicy('acme'), policy('SandboxOnly', { Effect: 'Deny', Action: 'sluice:DeletePipeline', NotResource: 'srn:sluice:acme:sandbox-*' })]);
      expect(decide(who, 'sluice:DeletePipeline', 'srn:sluice:acme:sandbox-7').decision).toBe('Allow');
      expect(decide(who, 'sluice:DeletePipeline', WEB).decision).toBe('ExplicitDeny');
    });
  });

  describe('explicit deny wins', () => {
    it.each([
      ['deny after allow in one policy', [policy('p', allow('sluice:*', '*'), deny('sluice:DeletePipeline', WEB))], 'p', 1],
      ['deny before allow in one policy', [policy('p', deny('sluice:DeletePipeline', WEB), allow('sluice:*', '*'))], 'p', 0],
      ['deny in a later policy', [adminPolicy('acme'), policy('Guard', deny('sluice:Delete*', 'srn:sluice:acme:*'))], 'Guard', 0],
      ['deny in an earlier policy', [policy('Guard', deny('sluice:Delete*', 'srn:sluice:acme:*')), adminPolicy('acme')], 'Guard', 0],
    ])('%s', (_label, policies, policyName, index) => {
      expect(decide(principal('alice', 'acme', policies), 'sluice:DeletePipeline', WEB)).toMatchObject({
        allowed: false,
        decision: 'ExplicitDeny',
        decidingStatement: { policyName, index },
      });
    });

    it('a conditional deny applies only when its condition holds', () => {
      const offHours = policy('OffHours', deny('sluice:StartPipelineExecution', '*', { Condition: { DateGreaterThan: { 'sluice:CurrentTime': '2026-06-01T18:00:00Z' } } }));
      const who = principal('alice', 'acme', [adminPolicy('acme'), offHours]);
      expect(authorize({ principal: who, action: 'sluice:StartPipelineExecution', resource: WEB, context: AT_NOON }).decision).toBe('Allow');
      expect(authorize({ principal: who, action: 'sluice:StartPipelineExecution', resource: WEB, context: { currentTime: new Date('2026-06-01T19:00:00Z') } }).decision).toBe('ExplicitDeny');
    });

    it('a condition on the branch limits what may be started', () => {
      const who = principal('alice', 'acme', [policy('p', allow('sluice:StartPipelineExecution', WEB, { Condition: { StringLike: { 'sluice:SourceBranch': ['main', 'release/*'] } } }))]);
      const start = (sourceBranch?: string) => authorize({ principal: who, action: 'sluice:StartPipelineExecution', resource: WEB, context: { ...AT_NOON, sourceBranch } }).allowed;
      expect([start('main'), start('release/2.1'), start('feature/x'), start(undefined)]).toEqual([true, true, false, false]);
    });
  });

  describe('session policies narrow', () => {
    const identity = [policy('Operator', allow(['sluice:Get*', 'sluice:StartPipelineExecution', 'sluice:StopPipelineExecution'], 'srn:sluice:acme:*'))];

    it('allows what both allow, citing the identity statement', () => {
      const who = principal('alice', 'acme', identity, { sessionPolicy: policy('session', allow('sluice:StartPipelineExecution', WEB)) });
      expect(decide(who, 'sluice:StartPipelineExecution', WEB)).toMatchObject({ decision: 'Allow', decidingStatement: { policyName: 'Operator', index: 0 } });
    });

    it('denies what only the identity policies allow', () => {
      const who = principal('alice', 'acme', identity, { sessionPolicy: policy('session', allow('sluice:StartPipelineExecution', WEB)) });
      expect(decide(who, 'sluice:StopPipelineExecution', WEB)).toMatchObject({ decision: 'ImplicitDeny', reason: 'not_allowed_by_session_policy' });
      expect(decide(who, 'sluice:StartPipelineExecution', PROD)).toMatchObject({ decision: 'ImplicitDeny', reason: 'not_allowed_by_session_policy' });
    });

    it('never grants what the identity policies do not', () => {
      const who = principal('alice', 'acme', identity, { sessionPolicy: policy('session', allow('sluice:*', '*')) });
      expect(decide(who, 'sluice:DeletePipeline', WEB)).toMatchObject({ decision: 'ImplicitDeny', reason: 'no_matching_allow' });
    });

    it('may deny explicitly', () => {
      const who = principal('alice', 'acme', identity, { sessionPolicy: policy('session', allow('sluice:*', '*'), deny('sluice:Stop*', '*', { Sid: 'NoStops' })) });
      expect(decide(who, 'sluice:StopPipelineExecution', WEB)).toMatchObject({ decision: 'ExplicitDeny', decidingStatement: { policyName: 'session', sid: 'NoStops', index: 1 } });
    });
  });

  describe('cross-account', () => {
    const bob = principal('bob', 'globex', [policy('Everything', allow('*', '*'))]);

    it('denies a principal of another account whatever its own policies allow', () => {
      expect(decide(bob, 'sluice:GetPipeline', WEB)).toMatchObject({ allowed: false, decision: 'ImplicitDeny', reason: 'cross_account' });
      expect(decide(bob, 'sluice:ListPipelines', ACME)).toMatchObject({ reason: 'cross_account' });
      expect(decide(bob, 'sluice:GetPipeline', GLOBEX_WEB).allowed).toBe(true);
    });

    it('still reports an explicit deny as such', () => {
      const guarded = principal('bob', 'globex', [policy('Everything', allow('*', '*')), policy('Guard', deny('sluice:Delete*', '*'))]);
      expect(decide(guarded, 'sluice:DeletePipeline', WEB).decision).toBe('ExplicitDeny');
    });

    it('lets a session of a role of the resource account act there, and not back home', () => {
      const session = principal('deployer', 'acme', [policy('Deploy', allow('sluice:StartPipelineExecution', '*'))], { assumedBy: { id: 'bob', account: 'globex' } });
      expect(decide(session, 'sluice:StartPipelineExecution', WEB).allowed).toBe(true);
      expect(decide(session, 'sluice:StartPipelineExecution', GLOBEX_WEB)).toMatchObject({ reason: 'cross_account' });
    });

    it('exposes both accounts to conditions', () => {
      const onlyHome = policy('Home', allow('sluice:*', '*', { Condition: { StringEquals: { 'sluice:ResourceAccount': 'acme', 'sluice:PrincipalAccount': 'acme' } } }));
      expect(decide(principal('alice', 'acme', [onlyHome]), 'sluice:GetPipeline', WEB).allowed).toBe(true);
    });
  });

  describe('bad requests are the caller\'s bug', () => {
    const admin = principal('alice', 'acme', [adminPolicy('acme')]);

    it.each([
      ['an unknown action', 'sluice:LaunchRocket', WEB],
      ['a wildcard action', 'sluice:Get*', WEB],
      ['a resource pattern', 'sluice:GetPipeline', 'srn:sluice:acme:*'],
      ['a malformed resource', 'sluice:GetPipeline', 'acme/web'],
    ])('throws a RangeError for %s', (_label, action, resource) => {
      expect(() => decide(admin, action, resource)).toThrow(RangeError);
    });

    it('throws a ValidationError naming an attached policy that is not valid', () => {
      const broken = principal('alice', 'acme', [{ name: 'Broken', document: { Statement: [{ Effect: 'Allow', Action: 'sluice:GetPipline', Resource: '*' }] } }]);
      expect(() => decide(broken, 'sluice:GetPipeline', WEB)).toThrow(ValidationError);
      expect(() => decide(broken, 'sluice:GetPipeline', WEB)).toThrow(/The policy "Broken" is not valid[\s\S]*\$\.Statement\[0\]\.Action/);
    });
  });
});
