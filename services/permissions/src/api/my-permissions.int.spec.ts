import { dropTestSchema, newTestSchema, startPermissionsService, type PermissionsServiceProcess, headersOf, type As } from '../testing/permissions-service-process';

// myPermissions through the permissions subgraph's HTTP POST /graphql on the real PostgreSQL event store (one fresh schema).
const schema = newTestSchema();
let service: PermissionsServiceProcess;

type Response = { data?: any; errors?: Array<{ message: string; extensions?: { code?: string; issues?: Array<{ path: string; message: string }> } }> };
const gql = (query: string, variables: Record<string, unknown> = {}, as: As = { account: 'acme' }) => service.graphql(query, variables, headersOf(as)) as Promise<Response>;
async function ok(query: string, variables: Record<string, unknown> = {}, as: As = { account: 'acme' }): Promise<any> {
  const response = await gql(query, variables, as);
  if (response.errors) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

const MY_PERMISSIONS = 'query($checks: [PermissionCheckInput!]!) { myPermissions(checks: $checks) { action resource allowed } }';
const ATTACH = `mutation($type: PolicyTargetType!, $name: String!, $managed: String, $scope: ApproverScopeInput, $policyName: String, $document: JSON) {
  attachPolicy(targetType: $type, targetName: $name, managedPolicy: $managed, approverScope: $scope, policyName: $policyName, document: $document) { name } }`;
const allow = (Action: string | string[], Resource: string | string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

// The pairs the dashboard asks for a pipeline `web` with stages Build and Prod (each with a manual approval), and a read.
const CHECKS = [
  { action: 'sluice:StartPipelineExecution', resource: 'srn:sluice:acme:web' },
  { action: 'sluice:StopPipelineExecution', resource: 'srn:sluice:acme:web' },
  { action: 'sluice:RetryStageExecution', resource: 'srn:sluice:acme:web/Prod' },
  { action: 'sluice:DisableStageTransition', resource: 'srn:sluice:acme:web/Prod' },
  { action: 'sluice:EnableStageTransition', resource: 'srn:sluice:acme:web/Prod' },
  { action: 'sluice:PutApprovalResult', resource: 'srn:sluice:acme:web/Build/Check' },
  { action: 'sluice:PutApprovalResult', resource: 'srn:sluice:acme:web/Prod/Approve' },
  { action: 'sluice:GetPipelineState', resource: 'srn:sluice:acme:web' },
];
const allowedOf = async (as: As): Promise<Record<string, boolean>> => {
  const answers: Array<{ action: string; resource: string; allowed: boolean }> = (await ok(MY_PERMISSIONS, { checks: CHECKS }, as)).myPermissions;
  expect(answers.map(({ action, resource }) => ({ action, resource }))).toEqual(CHECKS);
  return Object.fromEntries(answers.map((a) => [`${a.action.replace('sluice:', '')} ${a.resource.replace('srn:sluice:acme:', '')}`, a.allowed]));
};

let adminTokenId: string;

beforeAll(async () => {
  service = await startPermissionsService(schema);
  const created = await ok('mutation { createAccount(account: "acme", adminUserName: "root-admin") { account adminToken { tokenId } } }');
  adminTokenId = created.createAccount.adminToken.tokenId;
  for (const user of ['reader', 'approver', 'sam']) await ok('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: user });
  await ok(ATTACH, { type: 'USER', name: 'reader', managed: 'ReadOnly' });
  await ok(ATTACH, { type: 'USER', name: 'approver', managed: 'Approver', scope: { pipeline: 'web', stage: 'Prod' } });
});

afterAll(async () => {
  await service?.stop();
  await dropTestSchema(schema);
});

describe('myPermissions', () => {
  it('answers every pair true for an admin', async () => {
    const allowed = await allowedOf({ account: 'acme', principal: 'root-admin', tokenId: adminTokenId });
    expect(Object.values(allowed)).toEqual(CHECKS.map(() => true));
  });

  it('answers a read-only principal false for every mutation and true for reads', async () => {
    expect(await allowedOf({ account: 'acme', principal: 'reader' })).toEqual({
      'StartPipelineExecution web': false,
      'StopPipelineExecution web': false,
      'RetryStageExecution web/Prod': false,
      'DisableStageTransition web/Prod': false,
      'EnableStageTransition web/Prod': false,
      'PutApprovalResult web/Build/Check': false,
      'PutApprovalResult web/Prod/Approve': false,
      'GetPipelineState web': true,
    });
  });

  it('answers an approver of one stage true only at that stage\'s approval', async () => {
    expect(await allowedOf({ account: 'acme', principal: 'approver' })).toEqual({
      'StartPipelineExecution web': false,
      'StopPipelineExecution web': false,
      'RetryStageExecution web/Prod': false,
      'DisableStageTransition web/Prod': false,
      'EnableStageTransition web/Prod': false,
      'PutApprovalResult web/Build/Check': false,
      'PutApprovalResult web/Prod/Approve': true,
      'GetPipelineState web': true,
    });
  });

  it('decides a role session with its session policy, as the gateway does', async () => {
    await ok('mutation($t: JSON!) { createRole(roleName: "Deployer", trustPolicy: $t) { roleName } }', {
      t: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Sluice: ['srn:sluice:acme:principal/sam'] }, Action: 'sluice:AssumeRole' }] },
    });
    await ok(ATTACH, { type: 'ROLE', name: 'Deployer', managed: 'Operator' });
    await ok(ATTACH, { type: 'USER', name: 'sam', policyName: 'Assume', document: allow('sluice:AssumeRole', 'srn:sluice:acme:') });
    const samToken = (await ok('mutation { createToken(principalId: "sam") { tokenId } }')).createToken.tokenId as string;
    const assume = 'mutation($p: JSON) { assumeRole(role: "Deployer", sessionName: "look", sessionPolicy: $p) { tokenId } }';
    const full = (await ok(assume, {}, { account: 'acme', principal: 'sam', tokenId: samToken })).assumeRole.tokenId as string;
    const narrowed = (await ok(assume, { p: allow('sluice:GetPipelineState', 'srn:sluice:acme:*') }, { account: 'acme', principal: 'sam', tokenId: samToken })).assumeRole.tokenId as string;

    const operator = await allowedOf({ account: 'acme', principal: 'Deployer', tokenId: full });
    expect(operator['StartPipelineExecution web']).toBe(true);
    expect(operator['PutApprovalResult web/Prod/Approve']).toBe(false);
    const session = await allowedOf({ account: 'acme', principal: 'Deployer', tokenId: narrowed });
    expect(session['StartPipelineExecution web']).toBe(false);
    expect(session['GetPipelineState web']).toBe(true);
  });

  it('refuses more than 200 pairs, and bad pairs, naming the field', async () => {
    const tooMany = await gql(MY_PERMISSIONS, { checks: Array.from({ length: 201 }, () => CHECKS[0]) }, { account: 'acme', principal: 'reader' });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: '$.checks', message: expect.stringMatching(/At most 200 .*got 201/) })]);
    expect((await ok(MY_PERMISSIONS, { checks: Array.from({ length: 200 }, () => CHECKS[0]) }, { account: 'acme', principal: 'reader' })).myPermissions).toHaveLength(200);

    const bad = await gql(
      MY_PERMISSIONS,
      {
        checks: [
          { action: 'sluice:StartPipelineExecutio', resource: 'srn:sluice:acme:web' },
          { action: 'sluice:PutApprovalResult', resource: 'srn:sluice:acme:web/Prod' },
          { action: 'sluice:GetPipeline', resource: 'not-a-name' },
        ],
      },
      { account: 'acme', principal: 'reader' },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.issues?.map((i) => i.path)).toEqual(['$.checks[0].action', '$.checks[1].resource', '$.checks[2].resource']);
    expect(bad.errors?.[0]?.extensions?.issues?.[0]?.message).toMatch(/Did you mean "sluice:StartPipelineExecution"/);
    expect((await gql(MY_PERMISSIONS, { checks: [] }, { account: 'acme', principal: 'reader' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a caller without a principal', async () => {
    expect((await gql(MY_PERMISSIONS, { checks: CHECKS }, { account: 'acme' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
