import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodePipelineClient, CreatePipelineCommand, GetPipelineCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { gatewayClient, eventually, type Caller, dataOf } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';

// Issue 21, decision 0052: Invoke/Sluice/Pipeline through the embedded platform, its engine and its built-in worker. A
// parent invokes a child with a variable and waits; the child's Commands action checks the value; a failing child fails
// its parent; another account cannot name the first's pipeline; a principal who may start or edit the parent cannot
// make its invoke start anything but what was authorized when it was saved. And /aws's Invoke/AWS/CodePipeline.
jest.setTimeout(240_000);

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-invoke-e2e-'));
let platform: PlatformProcess;
let admin: ReturnType<typeof gatewayClient>;
let repositoryUrl: string;

type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const ok = dataOf;
const refusal = (answer: Answer<unknown>) => {
  expect(answer.data ?? null).toBeNull();
  return { code: answer.errors?.[0]?.extensions?.code, text: JSON.stringify(answer.errors) };
};

const INVOKE = { category: 'Invoke', owner: 'Sluice', provider: 'Pipeline', version: '1' };
const invokeAction = (pipelineName: string, configuration: Record<string, string> = {}) => ({
  name: 'CallChild',
  actionTypeId: INVOKE,
  namespace: 'Invoked',
  configuration: { PipelineName: pipelineName, WaitForResult: 'true', ...configuration },
});
const source = () => gitSourceStage({ repositoryUrl, output: 'Src', configuration: { DetectChanges: 'false' } });
/** A child whose Commands action fails unless it received the parent's greeting. */
const child = (name: string, command: string) => ({
  ...pipelineDefinition({ name, stages: [source(), stage('Build', commandsAction('Check', [command], { inputs: 'Src' }))] }),
  variables: [{ name: 'Greeting', defaultValue: 'none' }],
});
const parent = (name: string, target: string, extra: Record<string, unknown> = {}) => ({
  ...pipelineDefinition({
    name,
    stages: [source(), stage('Invoke', invokeAction(target, { Variables: JSON.stringify([{ name: 'Greeting', value: '#{variables.Greeting}' }]) }) as never)],
  }),
  variables: [{ name: 'Greeting', defaultValue: 'hello-from-parent' }],
  ...extra,
});

const EXECUTION = `pipelineExecutionId status statusSummary trigger { triggerType triggerDetail }`;
type Execution = { pipelineExecutionId: string; status: string; statusSummary: string | null; trigger: { triggerType: string; triggerDetail: string } };

async function finished(pipelineName: string, pipelineExecutionId: string): Promise<Execution> {
  return eventually(
    async () => {
      const { getPipelineExecution } = ok(
        await admin<{ getPipelineExecution: Execution }>(`query($p: String!, $e: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $e) { ${EXECUTION} } }`, { p: pipelineName, e: pipelineExecutionId }),
        'getPipelineExecution',
      );
      return getPipelineExecution.status === 'InProgress' ? undefined : getPipelineExecution;
    },
    `${pipelineName} ${pipelineExecutionId} to finish`,
    120_000,
  );
}

async function start(pipelineName: string, as?: Caller, variables: Array<{ name: string; value: string }> = []): Promise<string> {
  return ok(
    await admin<{ startPipelineExecution: { pipelineExecutionId: string } }>(
      'mutation($n: String!, $v: [PipelineVariableInput!]) { startPipelineExecution(name: $n, variables: $v) { pipelineExecutionId } }',
      { n: pipelineName, v: variables },
      as,
    ),
    `start ${pipelineName}`,
  ).startPipelineExecution.pipelineExecutionId;
}

async function invokeOutput(pipelineName: string, pipelineExecutionId: string) {
  const { listActionExecutions } = ok(
    await admin<{ listActionExecutions: { nodes: Array<{ actionName: string; output: { outputVariables: Record<string, string>; executionResult: { externalExecutionId: string | null } } }> } }>(
      'query($p: String!, $e: ID!) { listActionExecutions(pipelineName: $p, pipelineExecutionId: $e) { nodes { actionName output { outputVariables executionResult { externalExecutionId } } } } }',
      { p: pipelineName, e: pipelineExecutionId },
    ),
    'listActionExecutions',
  );
  return listActionExecutions.nodes.find((node) => node.actionName === 'CallChild')!.output;
}

async function principal(userName: string, statements: unknown[]): Promise<Caller> {
  ok(await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), 'createUser');
  const document = { Version: '2026-01-01', Statement: statements };
  ok(await admin('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "invoke-e2e", document: $d) { name } }', { u: userName, d: document }), 'attachPolicy');
  const { token } = ok(await admin<{ createToken: { token: string } }>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName }), 'createToken').createToken;
  return { account: 'default', actor: userName, token };
}

beforeAll(async () => {
  repositoryUrl = `file://${initGitRepository(join(dataDir, 'repo'), { 'README.md': 'v1\n' })}`;
  platform = await startPlatformProcess(dataDir);
  admin = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
  for (const definition of [
    child('child', 'echo "greeting=#{variables.Greeting}"; test "#{variables.Greeting}" = "hello-from-parent"'),
    child('broken-child', 'echo "breaking"; exit 3'),
    child('other', 'true'),
  ]) {
    ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition }), `create ${definition.name}`);
  }
  ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: parent('parent', 'child') }), 'create parent');
  ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: parent('parent-of-broken', 'broken-child') }), 'create parent-of-broken');
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('the parent invokes the child with a variable, waits, and succeeds with it; the child names its invoker', async () => {
  const parentId = await start('parent');
  const done = await finished('parent', parentId);
  expect(done.status).toBe('Succeeded');
  const output = await invokeOutput('parent', parentId);
  const childId = output.outputVariables.PipelineExecutionId!;
  expect(output.outputVariables).toEqual({ PipelineExecutionId: childId, Status: 'Succeeded' });
  expect(output.executionResult.externalExecutionId).toBe(childId);
  const invoked = await finished('child', childId);
  expect(invoked).toMatchObject({ status: 'Succeeded', trigger: { triggerType: 'PipelineInvoke', triggerDetail: `parent/${parentId}` } });
});

it('a failing child fails the parent, whose summary names the child execution', async () => {
  const parentId = await start('parent-of-broken');
  const done = await finished('parent-of-broken', parentId);
  expect(done.status).toBe('Failed');
  const { executionResult } = await invokeOutput('parent-of-broken', parentId);
  const childId = executionResult.externalExecutionId!;
  expect((await finished('broken-child', childId)).status).toBe('Failed');
  expect(done.statusSummary).toContain(`Execution ${childId} of pipeline "broken-child" failed`);
});

it('a definition cannot invoke itself or a variable target, nor close a loop', async () => {
  const self = refusal(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: parent('selfish', 'selfish') }));
  expect(self.text).toContain('invoke_cycle');
  const variableTarget = refusal(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: parent('shifty', '#{variables.Greeting}') }));
  expect(variableTarget.text).toContain('may not reference variables');
  // child → parent would close the loop child → parent → child.
  const loop = { ...child('child', 'true'), version: 1, stages: [source(), stage('Back', invokeAction('parent') as never)] };
  const closing = refusal(await admin('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: loop }));
  expect(closing.text).toContain('child → parent → child');
});

it('another account cannot invoke the first account\'s pipeline', async () => {
  const created = ok(await admin<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "globex", adminUserName: "gadmin") { adminToken { token } } }'), 'createAccount');
  const globex: Caller = { account: 'globex', actor: 'gadmin', token: created.createAccount.adminToken.token };
  const answer = refusal(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: parent('raider', 'child') }, globex));
  expect(answer.text).toContain('There is no pipeline \\"child\\" in this account');
});

it('a principal who may start or edit the parent cannot make its invoke start another pipeline', async () => {
  const parentSrn = 'srn:sluice:default:parent';
  const starter = await principal('starter', [{ Effect: 'Allow', Action: ['sluice:StartPipelineExecution', 'sluice:GetPipeline*'], Resource: [parentSrn, `${parentSrn}/*`] }]);
  // Variables are data: the start goes to "child", the target saved by an admin, whatever the starter passes.
  const parentId = await start('parent', starter, [{ name: 'Greeting', value: 'other' }]);
  expect((await finished('parent', parentId)).status).toBe('Failed');
  const childId = (await invokeOutput('parent', parentId)).executionResult.externalExecutionId!;
  expect((await finished('child', childId)).trigger.triggerDetail).toBe(`parent/${parentId}`);
  const retarget = { ...parent('parent', 'other'), version: 1 };
  expect(refusal(await admin('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: retarget }, starter)).code).toBe('FORBIDDEN');

  // An editor of the parent who may not start "other" cannot save an invoke of it; an admin can.
  const editor = await principal('editor', [{ Effect: 'Allow', Action: ['sluice:UpdatePipeline', 'sluice:GetPipeline'], Resource: parentSrn }]);
  const edited = refusal(await admin('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: retarget }, editor));
  expect(edited.code).toBe('FORBIDDEN');
  expect(edited.text).toContain('srn:sluice:default:other');
  ok(await admin('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: retarget }), 'admin retargets');
});

it('/aws: a pipeline with Invoke/AWS/CodePipeline is created through the SDK and read back as given', async () => {
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  const aws = new CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! },
  });
  const invoke = {
    name: 'Downstream',
    actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' },
    runOrder: 1,
    configuration: { PipelineName: 'child', Variables: '[{"name":"Greeting","value":"hello-from-parent"}]' },
  } as const;
  const declaration = {
    name: 'aws-parent',
    roleArn: 'arn:aws:iam::123456789012:role/unused-by-sluice',
    stages: [source(), { name: 'Invoke', actions: [invoke] }],
  } as unknown as PipelineDeclaration;
  await aws.send(new CreatePipelineCommand({ pipeline: declaration }));
  const { pipeline } = await aws.send(new GetPipelineCommand({ name: 'aws-parent' }));
  expect(pipeline?.stages?.[1]?.actions?.[0]).toMatchObject(invoke);
  const started = await start('aws-parent');
  expect((await finished('aws-parent', started)).status).toBe('Succeeded');
});
