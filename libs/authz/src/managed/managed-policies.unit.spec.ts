import { SLUICE_ACTIONS } from '../actions/action-catalogue';
import { authorize } from '../evaluation/authorize';
import { validatePolicyDocument } from '../policy/validate-policy-document';
import { AT_NOON, principal } from '../testing/policy-builders';
import { adminPolicy, approverPolicy, jobWorkerPolicy, operatorPolicy, readOnlyPolicy } from './managed-policies';

const allowedActions = (policies: ReturnType<typeof adminPolicy>[], resourceFor: (level: string) => string): string[] =>
  SLUICE_ACTIONS.filter((action) => authorize({ principal: principal('p', 'acme', policies), action: action.name, resource: resourceFor(action.level), context: AT_NOON }).allowed).map(
    (action) => action.name,
  );

const IN_ACME: Record<string, string> = {
  account: 'srn:sluice:acme:',
  pipeline: 'srn:sluice:acme:web',
  stage: 'srn:sluice:acme:web/Deploy',
  action: 'srn:sluice:acme:web/Deploy/Approve',
  // Another user's credentials: the principal `p` of these checks keeps only its own.
  principal: 'srn:sluice:acme:principal/someone-else',
  actiontype: 'srn:sluice:acme:actiontype/Sluice/Build/Commands/1',
  webhook: 'srn:sluice:acme:webhook/on-push',
  secret: 'srn:sluice:acme:secret/DeployToken',
};
const OWN = (level: string) => (level === 'principal' ? 'srn:sluice:acme:principal/p' : IN_ACME[level]!);
const OWN_CREDENTIALS = ['sluice:CreateToken', 'sluice:ListTokens', 'sluice:RevokeToken', 'sluice:CreateAccessKey', 'sluice:ListAccessKeys', 'sluice:DeleteAccessKey'];

describe('managed policies', () => {
  it.each([
    ['ReadOnly', readOnlyPolicy('acme')],
    ['Operator', operatorPolicy('acme')],
    ['Approver of a pipeline', approverPolicy('acme', 'web')],
    ['Approver of a stage', approverPolicy('acme', 'web', 'Deploy')],
    ['Approver of an action', approverPolicy('acme', 'web', 'Deploy', 'Approve')],
    ['Admin', adminPolicy('acme')],
  ])('%s is a valid policy', (_label, managed) => expect(validatePolicyDocument(managed.document).valid).toBe(true));

  it('ReadOnly allows exactly the read-only actions but the job queue\'s (a job\'s resolved configuration is for its workers) and a secret\'s value', () => {
    expect(allowedActions([readOnlyPolicy('acme')], (level) => IN_ACME[level])).toEqual(
      SLUICE_ACTIONS.filter((action) => action.readOnly && action.level !== 'actiontype' && action.level !== 'secret').map((action) => action.name),
    );
    expect(allowedActions([readOnlyPolicy('acme')], (level) => IN_ACME[level])).not.toContain('sluice:GetJobDetails');
    expect(allowedActions([readOnlyPolicy('acme')], (level) => IN_ACME[level])).toEqual(expect.arrayContaining(['sluice:ListSecrets']));
    expect(allowedActions([readOnlyPolicy('acme')], (level) => IN_ACME[level])).not.toEqual(expect.arrayContaining(['sluice:GetSecretValue']));
  });

  it('decides on the stages and actions of pipelines named "actiontype" and "principal" like any other\'s', () => {
    for (const name of ['actiontype', 'principal']) expect(validatePolicyDocument(approverPolicy('acme', name, 'Deploy').document).valid).toBe(true);
    const approver = principal('april', 'acme', [approverPolicy('acme', 'actiontype', 'Deploy')]);
    const decide = (resource: string) => authorize({ principal: approver, action: 'sluice:PutApprovalResult', resource, context: AT_NOON }).allowed;
    expect(decide('srn:sluice:acme:actiontype/Deploy/Approve')).toBe(true);
    expect(decide('srn:sluice:acme:actiontype/Build/Approve')).toBe(false);
    const admin = principal('alice', 'acme', [adminPolicy('acme')]);
    for (const resource of ['srn:sluice:acme:principal/Deploy/Approve', 'srn:sluice:acme:actiontype/Deploy/Approve']) {
      expect(authorize({ principal: admin, action: 'sluice:PutApprovalResult', resource, context: AT_NOON }).allowed).toBe(true);
    }
  });

  it('JobWorker takes and reports the jobs of its action types, nothing else', () => {
    const worker = jobWorkerPolicy('acme', ['Custom/Build/MyTool/*']);
    expect(validatePolicyDocument(worker.document).valid).toBe(true);
    const jobActions = ['sluice:PollForJobs', 'sluice:AcknowledgeJob', 'sluice:GetJobDetails', 'sluice:PutJobSuccessResult', 'sluice:PutJobFailureResult'];
    const at = (type: string) => (level: string) => (level === 'actiontype' ? `srn:sluice:acme:actiontype/${type}` : IN_ACME[level]!);
    expect(allowedActions([worker], at('Custom/Build/MyTool/2'))).toEqual(jobActions);
    expect(allowedActions([worker], at('Sluice/Build/Commands/1'))).toEqual([]);
    expect(allowedActions([worker], at('Custom/Build/MyToolbox/1'))).toEqual([]);
    expect(allowedActions([worker], (level) => (level === 'actiontype' ? 'srn:sluice:globex:actiontype/Custom/Build/MyTool/1' : IN_ACME[level]!))).toEqual([]);
  });

  it('Operator adds running pipelines to reading, and nothing that changes a definition or a permission', () => {
    const added = allowedActions([operatorPolicy('acme')], (level) => IN_ACME[level]).filter((name) => !SLUICE_ACTIONS.find((action) => action.name === name)?.readOnly);
    expect(added.sort()).toEqual(
      [
        'sluice:DisableStageTransition',
        'sluice:EnableStageTransition',
        'sluice:OverrideStageCondition',
        'sluice:PutActionRevision',
        'sluice:RetryStageExecution',
        'sluice:RollbackStage',
        'sluice:StartPipelineExecution',
        'sluice:StopPipelineExecution',
        'sluice:UploadSourceArchive',
      ].sort(),
    );
  });

  it.each([
    ['ReadOnly', readOnlyPolicy('acme')],
    ['Operator', operatorPolicy('acme')],
    ['Approver', approverPolicy('acme', 'web', 'Deploy')],
  ])('%s keeps its own tokens and access keys, and no one else\'s', (_label, managed) => {
    const ownCredentials = (resourceFor: (level: string) => string) =>
      allowedActions([managed], resourceFor).filter((name) => SLUICE_ACTIONS.find((action) => action.name === name)?.level === 'principal');
    expect(ownCredentials(OWN).sort()).toEqual([...OWN_CREDENTIALS].sort());
    const othersWrites = ownCredentials((level) => IN_ACME[level]!).filter((name) => !SLUICE_ACTIONS.find((action) => action.name === name)?.readOnly);
    expect(othersWrites).toEqual([]);
  });

  it('gives a role session no credentials of its own: it has no user name', () => {
    const session = principal('deployer', 'acme', [operatorPolicy('acme')], { assumedBy: { id: 'bob', account: 'globex' } });
    const decide = (action: string) => authorize({ principal: session, action, resource: 'srn:sluice:acme:principal/deployer', context: AT_NOON });
    expect(decide('sluice:CreateAccessKey')).toMatchObject({ allowed: false, reason: 'no_matching_allow' });
    expect(decide('sluice:ListAccessKeys').allowed).toBe(true); // ReadEverything
  });

  it('Admin allows every action in its account and none in another', () => {
    expect(allowedActions([adminPolicy('acme')], (level) => IN_ACME[level])).toEqual(SLUICE_ACTIONS.map((action) => action.name));
    expect(allowedActions([adminPolicy('globex')], (level) => IN_ACME[level])).toEqual([]);
  });

  it.each([
    ['a pipeline', approverPolicy('acme', 'web'), ['srn:sluice:acme:web/Deploy/Approve', 'srn:sluice:acme:web/Test/Sign-off'], ['srn:sluice:acme:prod/Deploy/Approve']],
    ['a stage', approverPolicy('acme', 'web', 'Deploy'), ['srn:sluice:acme:web/Deploy/Approve', 'srn:sluice:acme:web/Deploy/Security'], ['srn:sluice:acme:web/Test/Sign-off', 'srn:sluice:acme:web-2/Deploy/Approve']],
    ['an action', approverPolicy('acme', 'web', 'Deploy', 'Approve'), ['srn:sluice:acme:web/Deploy/Approve'], ['srn:sluice:acme:web/Deploy/Security', 'srn:sluice:acme:web/Deploy/Approve2']],
  ])('Approver of %s approves there and nowhere else', (_label, managed, inside, outside) => {
    const approve = (resource: string) => authorize({ principal: principal('april', 'acme', [managed]), action: 'sluice:PutApprovalResult', resource, context: AT_NOON }).allowed;
    expect(inside.map(approve)).toEqual(inside.map(() => true));
    expect(outside.map(approve)).toEqual(outside.map(() => false));
  });

  it('Approver reads its pipeline but not other pipelines nor the account', () => {
    const april = principal('april', 'acme', [approverPolicy('acme', 'web', 'Deploy', 'Approve')]);
    const may = (action: string, resource: string) => authorize({ principal: april, action, resource, context: AT_NOON }).allowed;
    expect([may('sluice:GetPipelineState', 'srn:sluice:acme:web'), may('sluice:GetPipelineState', 'srn:sluice:acme:prod'), may('sluice:ListPipelines', 'srn:sluice:acme:')]).toEqual([true, false, false]);
    expect(may('sluice:StartPipelineExecution', 'srn:sluice:acme:web')).toBe(false);
  });

  it('cites the managed policy by name', () => {
    const decision = authorize({ principal: principal('otto', 'acme', [operatorPolicy('acme')]), action: 'sluice:RollbackStage', resource: 'srn:sluice:acme:web/Deploy', context: AT_NOON });
    expect(decision.decidingStatement).toEqual({ policyName: 'Operator', sid: 'OperatePipelines', index: 1 });
  });
});
