import { ValidationError } from '@sluice/domain';
import { allow, AT_NOON, deny, policy, principal } from '../testing/policy-builders';
import { simulatePrincipalPolicy } from './simulate-principal-policy';

describe('simulatePrincipalPolicy', () => {
  const who = principal('alice', 'acme', [policy('Ops', allow('sluice:*', 'srn:sluice:acme:*', { Sid: 'All' }), deny('sluice:Delete*', 'srn:sluice:acme:prod', { Sid: 'KeepProd' }))]);

  it('decides every action against every resource, naming the statement or the implicit deny', () => {
    const results = simulatePrincipalPolicy(who, ['sluice:DeletePipeline', 'sluice:GetPipeline'], ['srn:sluice:acme:prod', 'srn:sluice:globex:web'], AT_NOON);
    expect(results.map((result) => [result.action, result.resource, result.decision.decision, result.decision.decidingStatement?.sid ?? result.decision.explanation])).toEqual([
      ['sluice:DeletePipeline', 'srn:sluice:acme:prod', 'ExplicitDeny', 'KeepProd'],
      ['sluice:DeletePipeline', 'srn:sluice:globex:web', 'ImplicitDeny', expect.stringContaining('another account\'s resources are reached only by assuming one of its roles')],
      ['sluice:GetPipeline', 'srn:sluice:acme:prod', 'Allow', 'All'],
      ['sluice:GetPipeline', 'srn:sluice:globex:web', 'ImplicitDeny', expect.stringContaining('account "globex"')],
    ]);
  });

  it('says when a resource is not at the level the action is authorized at', () => {
    const results = simulatePrincipalPolicy(who, ['sluice:PutApprovalResult', 'sluice:ListPipelines'], ['srn:sluice:acme:web/Deploy/Approve', 'srn:sluice:acme:'], AT_NOON);
    expect(results.map((result) => result.resourceMatchesActionLevel)).toEqual([true, false, false, true]);
  });

  it('uses the catalogue spelling of an action given in another case', () => {
    expect(simulatePrincipalPolicy(who, ['SLUICE:getpipeline'], ['srn:sluice:acme:web'], AT_NOON)[0]).toMatchObject({ action: 'sluice:GetPipeline', decision: { allowed: true } });
  });

  it('refuses unknown actions and resources with their paths', () => {
    let error: unknown;
    try {
      simulatePrincipalPolicy(who, ['sluice:GetPipeline', 'sluice:StartPipelineExecutoin'], ['srn:sluice:acme:*'], AT_NOON);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: '$.actions[1]', code: 'unknown_action', message: expect.stringContaining('Did you mean "sluice:StartPipelineExecution"?') },
      { path: '$.resources[0]', code: 'invalid_resource', message: expect.stringContaining('pipeline name') },
    ]);
  });

  it('refuses empty lists', () => {
    expect(() => simulatePrincipalPolicy(who, [], [], AT_NOON)).toThrow(/\$\.actions[\s\S]*\$\.resources/);
  });
});
