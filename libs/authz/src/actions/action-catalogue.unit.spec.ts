import { findAction, SLUICE_ACTIONS } from './action-catalogue';
import { accountResourceName, parseRequestResource, resourceForAction } from './request-resource';

describe('the action catalogue', () => {
  it('names each action once, with the sluice: prefix and a CodePipeline-style operation', () => {
    const names = SLUICE_ACTIONS.map((action) => action.name);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^sluice:[A-Z][A-Za-z]+$/);
  });

  it.each([
    'CreatePipeline', 'GetPipeline', 'UpdatePipeline', 'DeletePipeline', 'ListPipelines', 'ListPipelineVersions', 'DisableStageTransition', 'EnableStageTransition',
    'StartPipelineExecution', 'StopPipelineExecution', 'RetryStageExecution', 'RollbackStage', 'GetPipelineState', 'GetPipelineExecution', 'ListPipelineExecutions',
    'ListActionExecutions', 'PutApprovalResult', 'PollForJobs', 'AcknowledgeJob', 'PutJobSuccessResult', 'PutJobFailureResult', 'CreateCustomActionType',
    'DeleteCustomActionType', 'ListActionTypes', 'TagResource', 'UntagResource', 'ImportAwsPipeline', 'LookupAuditEvents', 'VerifyAuditTrail', 'CreateUser',
    'CreateRole', 'AssumeRole', 'CreateToken', 'RevokeToken', 'PutPolicy', 'SimulatePrincipalPolicy',
  ])('has sluice:%s', (operation) => expect(findAction(`sluice:${operation}`)?.name).toBe(`sluice:${operation}`));

  it('marks as read-only exactly the Get*, List*, audit lookups and simulation', () => {
    // GetMetrics is not: /metrics is the operator's (executions by account, queue depth), and ReadOnly gets every read.
    const expectedReadOnly = (name: string) =>
      (/^sluice:(Get|List)/.test(name) && name !== 'sluice:GetMetrics') || ['sluice:LookupAuditEvents', 'sluice:VerifyAuditTrail', 'sluice:SimulatePrincipalPolicy'].includes(name);
    expect(SLUICE_ACTIONS.filter((action) => action.readOnly !== expectedReadOnly(action.name))).toEqual([]);
  });

  it.each([
    ['sluice:PutApprovalResult', 'action'],
    ['sluice:RetryStageExecution', 'stage'],
    ['sluice:StartPipelineExecution', 'pipeline'],
    ['sluice:ListPipelines', 'account'],
    ['sluice:CreateToken', 'principal'],
    ['sluice:RevokeToken', 'principal'],
    ['sluice:ListTokens', 'principal'],
    ['sluice:CreateAccessKey', 'principal'],
    ['sluice:DeleteAccessKey', 'principal'],
    ['sluice:ListAccessKeys', 'principal'],
  ])('authorizes %s at the %s level', (name, level) => expect(findAction(name)?.level).toBe(level));

  it('finds actions in any case, as IAM does', () => expect(findAction('SLUICE:getpipelinestate')?.name).toBe('sluice:GetPipelineState'));
});

describe('request resources', () => {
  const target = { account: 'acme', pipeline: 'web', stage: 'Deploy', action: 'Approve', principal: 'alice' };

  it.each([
    ['sluice:PutApprovalResult', 'srn:sluice:acme:web/Deploy/Approve'],
    ['sluice:DisableStageTransition', 'srn:sluice:acme:web/Deploy'],
    ['sluice:GetPipelineState', 'srn:sluice:acme:web'],
    ['sluice:ListPipelines', 'srn:sluice:acme:'],
    ['sluice:CreateToken', 'srn:sluice:acme:principal/alice'],
  ])('cuts the target to the level of %s', (action, resource) => expect(resourceForAction(action, target)).toBe(resource));

  it('refuses a target without the part the level needs, and unknown actions', () => {
    expect(() => resourceForAction('sluice:PutApprovalResult', { account: 'acme', pipeline: 'web' })).toThrow('needs the stage name');
    expect(() => resourceForAction('sluice:CreateToken', { account: 'acme' })).toThrow('needs the principal name');
    expect(() => resourceForAction('sluice:CreateToken', { account: 'acme', principal: 'a/b' })).toThrow(RangeError);
    expect(() => resourceForAction('sluice:Fly', target)).toThrow(RangeError);
    expect(() => accountResourceName('Acme')).toThrow(RangeError);
  });

  it.each([
    ['srn:sluice:acme:', { ok: true, account: 'acme', level: 'account' }],
    ['srn:sluice:acme:web', { ok: true, account: 'acme', level: 'pipeline' }],
    ['srn:sluice:acme:web/Deploy/Approve', { ok: true, account: 'acme', level: 'action' }],
    ['srn:sluice:acme:principal/ci-bot@build', { ok: true, account: 'acme', level: 'principal' }],
    ['srn:sluice:acme:actiontype/Custom/Build/My_Tool-2/1', { ok: true, account: 'acme', level: 'actiontype' }],
    // A pipeline named "actiontype" or "principal": its stages and actions are still its own.
    ['srn:sluice:acme:actiontype', { ok: true, account: 'acme', level: 'pipeline' }],
    ['srn:sluice:acme:actiontype/Deploy', { ok: true, account: 'acme', level: 'stage' }],
    ['srn:sluice:acme:actiontype/Deploy/Approve', { ok: true, account: 'acme', level: 'action' }],
    ['srn:sluice:acme:principal/Deploy/Approve', { ok: true, account: 'acme', level: 'action' }],
  ])('reads %s', (text, expected) => expect(parseRequestResource(text)).toEqual(expected));

  it.each(['srn:sluice:acme', 'srn:sluice::', 'srn:sluice:acme:*', 'srn:sluice:acme:web:', 'srn:sluice:acme:principal/', 'srn:sluice:acme:principal/a b', 'srn:sluice:acme:principal/*', 'srn:sluice:acme:actiontype/Custom/Build/My.Tool/1', 'srn:sluice:acme:actiontype/Custom/Build/MyTool/1/2', 'srn:sluice:acme:actiontype/a b/c'])('refuses %s', (text) => expect(parseRequestResource(text).ok).toBe(false));
});
