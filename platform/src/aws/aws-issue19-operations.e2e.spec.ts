import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AcknowledgeJobCommand,
  ActionExecutionNotFoundException,
  ActionNotFoundException,
  ActionTypeNotFoundException,
  CodePipelineClient,
  ConcurrentModificationException,
  ConditionNotOverridableException,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  DeleteCustomActionTypeCommand,
  GetActionTypeCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListDeployActionExecutionTargetsCommand,
  ListActionTypesCommand,
  ListRuleExecutionsCommand,
  ListRuleTypesCommand,
  OverrideStageConditionCommand,
  PipelineExecutionNotFoundException,
  PipelineNotFoundException,
  PollForJobsCommand,
  PutActionRevisionCommand,
  PutJobSuccessResultCommand,
  RollbackStageCommand,
  StageNotFoundException,
  StartPipelineExecutionCommand,
  UpdateActionTypeCommand,
  ValidationException,
  type ActionTypeDeclaration,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { commandsStage, commitFile, directoryDeployAction, gitSourceStage, initGitRepository, stage } from '@sluice/testing/fixtures';
import { gatewayClient, eventually } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 19's operations through the real AWS SDK against a running embedded platform: action types read, updated and
// deleted as AWS does; rule types and rule executions of stage conditions; PutActionRevision. With a principal
// allowed only GetActionType, and a second account that sees none of the first's types.
jest.setTimeout(240_000);

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-aws-issue19-'));
let platform: PlatformProcess;
let admin: CodePipelineClient;
let reader: CodePipelineClient;
let globex: CodePipelineClient;
let repository: string;

type Keys = { accessKeyId: string; secretAccessKey: string };
const clientWith = (credentials: Keys) => new CodePipelineClient({ endpoint: `${platform.url}/aws`, region: 'us-east-1', maxAttempts: 1, credentials });

const ROLE = 'arn:aws:iam::123456789012:role/unused-by-sluice';
const tool = { category: 'Test', owner: 'Custom', provider: 'E2eTool', version: '1' } as const;
/** The source never polls: only the test's own calls start executions. */
const source = () => gitSourceStage({ repositoryUrl: `file://${repository}`, runOrder: 1, configuration: { PollForSourceChanges: 'false' } });
const definition = (name: string, stages: unknown[], extra: Record<string, unknown> = {}) => ({ name, roleArn: ROLE, stages, ...extra }) as unknown as PipelineDeclaration;

async function finished(cp: CodePipelineClient, pipelineName: string, pipelineExecutionId: string) {
  return eventually(
    async () => {
      const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
      return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
    },
    `${pipelineName} ${pipelineExecutionId} to finish`,
    90_000,
  );
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  repository = initGitRepository(join(dataDir, 'repo'), { README: 'v1\n' });
  // Directory deploys go under this folder only (the worker's SLUICE_DEPLOY_ROOTS).
  platform = await startPlatformProcess(dataDir, { SLUICE_DEPLOY_ROOTS: join(dataDir, 'deploys') });
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  admin = clientWith({ accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! });

  const gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
  const ok = <T>(answer: { data?: T | null; errors?: unknown }, what: string): T => {
    if (answer.errors || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
    return answer.data;
  };
  // A user allowed to read one action type at a time and nothing else.
  ok(await gql('mutation { createUser(userName: "type-reader") { userName } }'), 'createUser');
  const readOnlyGetActionType = { Version: '2026-01-01', Statement: [{ Effect: 'Allow', Action: 'sluice:GetActionType', Resource: 'srn:sluice:default:*' }] };
  ok(await gql('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "type-reader", policyName: "get-action-type", document: $d) { name } }', { d: readOnlyGetActionType }), 'attachPolicy');
  reader = clientWith(ok(await gql<{ createAccessKey: Keys }>('mutation { createAccessKey(principalId: "type-reader") { accessKeyId secretAccessKey } }'), 'reader key').createAccessKey);

  // A second account with its own admin.
  const created = ok(await gql<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "globex", adminUserName: "gadmin") { adminToken { token } } }'), 'createAccount');
  const asGlobex = gatewayClient(platform.url, { account: 'globex', actor: 'gadmin', token: created.createAccount.adminToken.token });
  globex = clientWith(ok(await asGlobex<{ createAccessKey: Keys }>('mutation { createAccessKey { accessKeyId secretAccessKey } }'), 'globex key').createAccessKey);
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GetActionType, UpdateActionType and DeleteCustomActionType', () => {
  const declaration = (entityUrlTemplate: string): ActionTypeDeclaration => ({
    executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: {} } },
    id: tool,
    inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    properties: [{ name: 'Greeting', optional: false, key: true, noEcho: false, queryable: false }],
    urls: { entityUrlTemplate },
  });

  /** One job of the tool, done as CodePipeline's job workers do it. */
  const workOneJob = () =>
    eventually(
      async () => {
        const job = (await admin.send(new PollForJobsCommand({ actionTypeId: tool, maxBatchSize: 1 }))).jobs?.[0];
        if (!job) return undefined;
        await admin.send(new AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }));
        await admin.send(new PutJobSuccessResultCommand({ jobId: job.id!, executionDetails: { summary: 'done', percentComplete: 100 } }));
        return job.data!.actionConfiguration!.configuration!.Greeting;
      },
      'a job of the tool',
      90_000,
    );

  it('reads a type as an ActionTypeDeclaration, changes it, deletes it; stored definitions keep running, new ones are refused; the same definition restores it', async () => {
    await admin.send(
      new CreateCustomActionTypeCommand({
        ...tool,
        settings: { entityUrlTemplate: 'https://tool.example.com/' },
        configurationProperties: [{ name: 'Greeting', required: true, key: true, secret: false, queryable: false, type: 'String' }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
    expect((await admin.send(new GetActionTypeCommand(tool))).actionType).toEqual(declaration('https://tool.example.com/'));
    const builtIn = await admin.send(new GetActionTypeCommand({ category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }));
    expect(builtIn.actionType?.executor?.type).toBe('JobWorker');

    await admin.send(new UpdateActionTypeCommand({ actionType: declaration('https://tool.example.com/v2/') }));
    expect((await admin.send(new GetActionTypeCommand(tool))).actionType?.urls).toEqual({ entityUrlTemplate: 'https://tool.example.com/v2/' });
    // Audited as every change is, under the operation's own action.
    const gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
    const audited = await eventually(
      async () => {
        const { data } = await gql<{ lookupAuditEvents: { edges: Array<{ node: { decision: string; result: { status?: string } } }> } }>(
          'query { lookupAuditEvents(filter: { operation: "sluice:UpdateActionType" }, first: 10) { edges { node { decision result } } } }',
        );
        return data?.lookupAuditEvents.edges.length ? data.lookupAuditEvents.edges.map(({ node }) => node.decision) : undefined;
      },
      'the update in the audit trail',
      30_000,
    );
    expect(audited).toContain('Allow');
    const approval = { ...declaration('https://x.example.com/'), id: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } } as ActionTypeDeclaration;
    expect(await failureOf(admin.send(new UpdateActionTypeCommand({ actionType: approval })))).toBeInstanceOf(ValidationException);
    const lambda = { ...declaration('https://x.example.com/'), executor: { type: 'Lambda', configuration: { lambdaExecutorConfiguration: { lambdaFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' } } } } as ActionTypeDeclaration;
    expect(await failureOf(admin.send(new UpdateActionTypeCommand({ actionType: lambda })))).toBeInstanceOf(ValidationException);

    const greet = stage('Greet', { name: 'Greet', actionTypeId: tool, runOrder: 1, configuration: { Greeting: 'still here' }, inputArtifacts: [{ name: 'SourceOutput' }] });
    await admin.send(new CreatePipelineCommand({ pipeline: definition('uses-tool', [source(), greet]) }));
    await admin.send(new DeleteCustomActionTypeCommand({ category: tool.category, provider: tool.provider, version: tool.version }));

    expect(await failureOf(admin.send(new GetActionTypeCommand(tool)))).toBeInstanceOf(ActionTypeNotFoundException);
    expect((await admin.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes?.map((type) => type.id?.provider)).not.toContain('E2eTool');
    const refused = (await failureOf(admin.send(new CreatePipelineCommand({ pipeline: definition('new-user-of-tool', [source(), greet]) })))) as Error;
    expect(refused.name).toMatch(/Invalid(Action|Stage)DeclarationException|ValidationException|InvalidStructureException/);
    // The definition stored before the delete still runs: its job is handed out and the execution succeeds.
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'uses-tool' }));
    expect(await workOneJob()).toBe('still here');
    expect((await finished(admin, 'uses-tool', pipelineExecutionId!)).status).toBe('Succeeded');

    // Created again: another definition needs a new version; the one it had (as last updated) restores it.
    const recreate = (entityUrlTemplate: string) =>
      new CreateCustomActionTypeCommand({
        ...tool,
        settings: { entityUrlTemplate },
        configurationProperties: [{ name: 'Greeting', required: true, key: true, secret: false, queryable: false, type: 'String' }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      });
    expect(await failureOf(admin.send(recreate('https://other.example.com/')))).toBeInstanceOf(ConcurrentModificationException);
    expect((await admin.send(recreate('https://tool.example.com/v2/'))).actionType?.id).toEqual(tool);
    expect((await admin.send(new GetActionTypeCommand(tool))).actionType?.urls).toEqual({ entityUrlTemplate: 'https://tool.example.com/v2/' });
  });

  it('lets a principal allowed only GetActionType read a type, and refuses it everything else', async () => {
    expect((await reader.send(new GetActionTypeCommand(tool))).actionType?.id).toEqual(tool);
    const refusals = await Promise.all([
      failureOf(reader.send(new ListActionTypesCommand({}))),
      failureOf(reader.send(new UpdateActionTypeCommand({ actionType: declaration('https://reader.example.com/') }))),
      failureOf(reader.send(new DeleteCustomActionTypeCommand({ category: tool.category, provider: tool.provider, version: tool.version }))),
      failureOf(reader.send(new ListRuleTypesCommand({}))),
      failureOf(reader.send(new PutActionRevisionCommand({ pipelineName: 'uses-tool', stageName: 'Source', actionName: 'Checkout', actionRevision: { revisionId: 'x', revisionChangeId: 'x', created: new Date() } }))),
      failureOf(reader.send(new PollForJobsCommand({ actionTypeId: tool }))),
    ]);
    expect(refusals.map((error) => (error as Error).name)).toEqual(Array(refusals.length).fill('AccessDeniedException'));
    expect((await admin.send(new GetActionTypeCommand(tool))).actionType?.urls).toEqual({ entityUrlTemplate: 'https://tool.example.com/v2/' });
  });

  it("keeps another account's types out of sight and out of reach", async () => {
    expect(await failureOf(globex.send(new GetActionTypeCommand(tool)))).toBeInstanceOf(ActionTypeNotFoundException);
    expect((await globex.send(new ListActionTypesCommand({ actionOwnerFilter: 'Custom' }))).actionTypes ?? []).toEqual([]);
    expect(await failureOf(globex.send(new UpdateActionTypeCommand({ actionType: declaration('https://globex.example.com/') })))).toBeInstanceOf(ActionTypeNotFoundException);
    expect(await failureOf(globex.send(new DeleteCustomActionTypeCommand({ category: tool.category, provider: tool.provider, version: tool.version })))).toBeInstanceOf(ValidationException);
    expect((await admin.send(new GetActionTypeCommand(tool))).actionType?.urls).toEqual({ entityUrlTemplate: 'https://tool.example.com/v2/' });
  });
});

describe('ListRuleTypes and ListRuleExecutions', () => {
  const variableCheck = { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' };

  it('lists VariableCheck and DeploymentWindow, and each evaluation of a stage condition with its verdict', async () => {
    const { ruleTypes } = await admin.send(new ListRuleTypesCommand({ ruleOwnerFilter: 'AWS' }));
    expect(ruleTypes?.map((type) => type.id)).toEqual([variableCheck, { ...variableCheck, provider: 'DeploymentWindow' }]);
    expect(ruleTypes?.[1]?.ruleConfigurationProperties?.map((property) => [property.name, property.required])).toEqual([
      ['Cron', true],
      ['TimeZone', false],
    ]);
    expect(ruleTypes?.[0]?.ruleConfigurationProperties?.map((property) => property.name)).toEqual(['Variable', 'Value', 'Operator']);

    const gate = { conditions: [{ result: 'FAIL', rules: [{ name: 'OnlyProd', ruleTypeId: variableCheck, configuration: { Variable: '#{variables.ENV}', Operator: 'EQ', Value: 'prod' } }] }] };
    const deploy = { ...commandsStage('Deploy', 'true', { runOrder: 1, inputs: 'SourceOutput' }), beforeEntry: gate };
    await admin.send(new CreatePipelineCommand({ pipeline: definition('gated', [source(), deploy], { pipelineType: 'V2', executionMode: 'PARALLEL', variables: [{ name: 'ENV', defaultValue: 'dev' }] }) }));
    const prod = (await admin.send(new StartPipelineExecutionCommand({ name: 'gated', variables: [{ name: 'ENV', value: 'prod' }] }))).pipelineExecutionId!;
    const dev = (await admin.send(new StartPipelineExecutionCommand({ name: 'gated' }))).pipelineExecutionId!;
    expect((await finished(admin, 'gated', prod)).status).toBe('Succeeded');
    expect((await finished(admin, 'gated', dev)).status).toBe('Failed');

    const passed = (await admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', filter: { pipelineExecutionId: prod } }))).ruleExecutionDetails!;
    expect(passed).toEqual([
      expect.objectContaining({ pipelineExecutionId: prod, stageName: 'Deploy', ruleName: 'OnlyProd', status: 'Succeeded', input: expect.objectContaining({ ruleTypeId: variableCheck }) }),
    ]);
    expect(passed[0]!.startTime).toBeInstanceOf(Date);
    const failed = (await admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', filter: { pipelineExecutionId: dev } }))).ruleExecutionDetails!;
    expect(failed).toEqual([expect.objectContaining({ ruleName: 'OnlyProd', status: 'Failed' })]);
    expect(failed[0]!.output?.executionResult?.errorDetails?.message).toContain('not EQ "prod"');

    const firstPage = await admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', maxResults: 1 }));
    expect(firstPage.ruleExecutionDetails).toHaveLength(1);
    const secondPage = await admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', maxResults: 1, nextToken: firstPage.nextToken }));
    expect(new Set([firstPage, secondPage].map((page) => page.ruleExecutionDetails![0]!.pipelineExecutionId))).toEqual(new Set([prod, dev]));

    expect(await failureOf(admin.send(new ListRuleExecutionsCommand({ pipelineName: 'no-such-pipeline' })))).toBeInstanceOf(PipelineNotFoundException);
    expect(await failureOf(admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', filter: { pipelineExecutionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' } })))).toBeInstanceOf(PipelineExecutionNotFoundException);
    expect(await failureOf(globex.send(new ListRuleExecutionsCommand({ pipelineName: 'gated' })))).toBeInstanceOf(PipelineNotFoundException);

    // OverrideStageCondition: the failed entry condition is overridden, and the failed execution runs the stage.
    const override = (pipelineExecutionId: string, conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS') => new OverrideStageConditionCommand({ pipelineName: 'gated', stageName: 'Deploy', pipelineExecutionId, conditionType });
    expect(await failureOf(admin.send(override(prod, 'BEFORE_ENTRY')))).toBeInstanceOf(ConditionNotOverridableException);
    expect(await failureOf(admin.send(override(dev, 'ON_SUCCESS')))).toBeInstanceOf(ConditionNotOverridableException);
    expect(await failureOf(reader.send(override(dev, 'BEFORE_ENTRY')))).toMatchObject({ name: 'AccessDeniedException' });
    expect(await failureOf(globex.send(override(dev, 'BEFORE_ENTRY')))).toMatchObject({ name: expect.stringMatching(/PipelineNotFoundException|ValidationException/) });
    await admin.send(override(dev, 'BEFORE_ENTRY'));
    expect((await finished(admin, 'gated', dev)).status).toBe('Succeeded');
    // Its rule was evaluated once: the override is not an evaluation.
    expect((await admin.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', filter: { pipelineExecutionId: dev } }))).ruleExecutionDetails).toHaveLength(1);
    expect(await failureOf(admin.send(override(dev, 'BEFORE_ENTRY')))).toBeInstanceOf(ConditionNotOverridableException);
  });
});

describe('PutActionRevision', () => {
  const put = (revisionId: string, names: { pipelineName?: string; stageName?: string; actionName?: string } = {}) =>
    admin.send(new PutActionRevisionCommand({ pipelineName: 'revisions', stageName: 'Source', actionName: 'Checkout', ...names, actionRevision: { revisionId, revisionChangeId: revisionId, created: new Date() } }));
  const revisionOf = async (pipelineExecutionId: string) => {
    const execution = await finished(admin, 'revisions', pipelineExecutionId);
    return { status: execution.status, trigger: execution.trigger?.triggerType, revision: execution.artifactRevisions?.[0]?.revisionId };
  };

  it('starts the pipeline pinned to a new revision, and nothing for the current one', async () => {
    await admin.send(new CreatePipelineCommand({ pipeline: definition('revisions', [source(), commandsStage('Build', 'cat README', { runOrder: 1, inputs: 'SourceOutput' })]) }));
    const first = (await admin.send(new StartPipelineExecutionCommand({ name: 'revisions' }))).pipelineExecutionId!;
    const head = (await revisionOf(first)).revision!;
    expect(head).toMatch(/^[0-9a-f]{40}$/);

    expect(await put(head)).toEqual(expect.objectContaining({ newRevision: false, pipelineExecutionId: first }));

    const next = commitFile(repository, 'README', 'v2\n');
    const started = await put(next);
    expect(started).toEqual(expect.objectContaining({ newRevision: true, pipelineExecutionId: expect.any(String) }));
    expect(started.pipelineExecutionId).not.toBe(first);
    expect(await revisionOf(started.pipelineExecutionId!)).toEqual({ status: 'Succeeded', trigger: 'PutActionRevision', revision: next });
    expect(await put(next)).toEqual(expect.objectContaining({ newRevision: false, pipelineExecutionId: started.pipelineExecutionId }));

    // An older revision is not the current one: it is run again, pinned, although the branch head is newer.
    const again = await put(head);
    expect(again.newRevision).toBe(true);
    expect(await revisionOf(again.pipelineExecutionId!)).toEqual({ status: 'Succeeded', trigger: 'PutActionRevision', revision: head });
  });

  it('answers an unknown pipeline, stage or action, and an action that is no source, as the model says', async () => {
    expect(await failureOf(put('abc', { pipelineName: 'no-such-pipeline' }))).toBeInstanceOf(PipelineNotFoundException);
    expect(await failureOf(put('abc', { stageName: 'Nope' }))).toBeInstanceOf(StageNotFoundException);
    expect(await failureOf(put('abc', { actionName: 'Nope' }))).toBeInstanceOf(ActionNotFoundException);
    expect(await failureOf(put('abc', { stageName: 'Build', actionName: 'Build' }))).toBeInstanceOf(ValidationException);
    expect(await failureOf(globex.send(new PutActionRevisionCommand({ pipelineName: 'revisions', stageName: 'Source', actionName: 'Checkout', actionRevision: { revisionId: 'a', revisionChangeId: 'a', created: new Date() } })))).toBeInstanceOf(
      PipelineNotFoundException,
    );
  });
});

describe('RollbackStage', () => {
  it('re-runs a stage with an earlier execution’s inputs, as a ROLLBACK execution naming its target', async () => {
    await admin.send(new CreatePipelineCommand({ pipeline: definition('rolling', [source(), commandsStage('Build', 'cat README', { runOrder: 1, inputs: 'SourceOutput' })]) }));
    const first = (await admin.send(new StartPipelineExecutionCommand({ name: 'rolling' }))).pipelineExecutionId!;
    const firstRun = await finished(admin, 'rolling', first);
    expect(firstRun.status).toBe('Succeeded');
    commitFile(repository, 'ROLLBACK.md', 'a change to roll back\n');
    const second = (await admin.send(new StartPipelineExecutionCommand({ name: 'rolling' }))).pipelineExecutionId!;
    expect((await finished(admin, 'rolling', second)).status).toBe('Succeeded');

    const { pipelineExecutionId } = await admin.send(new RollbackStageCommand({ pipelineName: 'rolling', stageName: 'Build', targetPipelineExecutionId: first }));
    expect(pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    expect([first, second]).not.toContain(pipelineExecutionId);
    const rollback = await finished(admin, 'rolling', pipelineExecutionId!);
    expect(rollback).toMatchObject({ status: 'Succeeded', executionType: 'ROLLBACK', rollbackMetadata: { rollbackTargetPipelineExecutionId: first }, trigger: { triggerType: 'RollbackStage' } });
    // It ran the first execution's revision, not the newer one.
    expect(rollback.artifactRevisions?.[0]?.revisionId).toBe(firstRun.artifactRevisions?.[0]?.revisionId);
    // Only Build ran again.
    const actions = await admin.send(new ListActionExecutionsCommand({ pipelineName: 'rolling', filter: { pipelineExecutionId } }));
    expect(actions.actionExecutionDetails?.map((detail) => detail.stageName)).toEqual(['Build']);
    // Another account cannot roll back this pipeline: neither the pipeline nor the execution exists for it.
    expect(await failureOf(globex.send(new RollbackStageCommand({ pipelineName: 'rolling', stageName: 'Build', targetPipelineExecutionId: first })))).toMatchObject({
      name: expect.stringMatching(/^(PipelineNotFoundException|PipelineExecutionNotFoundException)$/),
    });
  });
});

describe('ListDeployActionExecutionTargets', () => {
  it("answers a Directory deploy's directory, none for a Commands deploy, and refuses an unknown or another account's action execution", async () => {
    const path = join(dataDir, 'deploys', 'www');
    const deploy = stage('Deploy', directoryDeployAction('Publish', path, { inputs: 'SourceOutput', runOrder: 1 }), { name: 'Smoke', actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Commands', version: '1' }, runOrder: 2, configuration: { Commands: 'true' } });
    await admin.send(new CreatePipelineCommand({ pipeline: definition('deploys', [source(), deploy]) }));
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'deploys' }));
    expect((await finished(admin, 'deploys', pipelineExecutionId!)).status).toBe('Succeeded');
    const details = (await admin.send(new ListActionExecutionsCommand({ pipelineName: 'deploys', filter: { pipelineExecutionId } }))).actionExecutionDetails!;
    const idOf = (actionName: string) => details.find((detail) => detail.actionName === actionName)!.actionExecutionId!;

    const { targets } = await admin.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'deploys', actionExecutionId: idOf('Publish') }));
    expect(targets).toEqual([expect.objectContaining({ targetId: path, targetType: 'Directory', status: 'Succeeded' })]);
    expect(targets![0]!.endTime!.getTime()).toBeGreaterThanOrEqual(targets![0]!.startTime!.getTime());
    // Without the pipeline's name, and filtered by status.
    expect((await admin.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId: idOf('Publish') }))).targets).toHaveLength(1);
    expect((await admin.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId: idOf('Publish'), filters: [{ name: 'TARGET_STATUS', values: ['Failed'] }] }))).targets).toEqual([]);
    expect((await admin.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'deploys', actionExecutionId: idOf('Smoke') }))).targets).toEqual([]);

    expect(await failureOf(admin.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'deploys', actionExecutionId: `${pipelineExecutionId}/Deploy/Nope/1` })))).toBeInstanceOf(ActionExecutionNotFoundException);
    expect(await failureOf(admin.send(new ListDeployActionExecutionTargetsCommand({ pipelineName: 'revisions', actionExecutionId: idOf('Publish') })))).toBeInstanceOf(ActionExecutionNotFoundException);
    expect(await failureOf(globex.send(new ListDeployActionExecutionTargetsCommand({ actionExecutionId: idOf('Publish') })))).toBeInstanceOf(ActionExecutionNotFoundException);
  });
});

/** The AWS CLI (scripts/ensure-awscli.sh installs it); SLUICE_TEST_AWSCLI=skip skips these tests on purpose. */
const AWS_CLI = process.env.SLUICE_AWS_CLI ?? '/usr/bin/aws';
const describeCli = process.env.SLUICE_TEST_AWSCLI === 'skip' ? describe.skip : describe;

describeCli('the real AWS CLI on the new operations', () => {
  const aws = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: run scripts/ensure-awscli.sh (or set SLUICE_TEST_AWSCLI=skip to skip these tests)`);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'admin-credentials'), AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'), AWS_PAGER: '' };
    try {
      const { stdout, stderr } = await promisify(execFile)(AWS_CLI, ['codepipeline', ...args, '--endpoint-url', `${platform.url}/aws`, '--region', 'us-east-1', '--output', 'json'], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
    }
  };

  // The CLI the tests install (/usr/bin/aws) predates the rule operations: those are driven by the SDK above.
  it('reads an action type, and prints a missing type as AWS does', async () => {
    const got = await aws('get-action-type', '--category', 'Build', '--owner', 'Sluice', '--provider', 'Commands', '--action-version', '1');
    expect(got.code).toBe(0);
    expect((JSON.parse(got.stdout) as { actionType: { executor: { type: string } } }).actionType.executor.type).toBe('JobWorker');
    const missing = await aws('get-action-type', '--category', 'Build', '--owner', 'Custom', '--provider', 'Nope', '--action-version', '1');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('An error occurred (ActionTypeNotFoundException) when calling the GetActionType operation');
  });
});
