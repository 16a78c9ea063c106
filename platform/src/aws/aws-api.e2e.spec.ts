import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AcknowledgeJobCommand,
  CodePipelineClient,
  DeletePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  ListActionTypesCommand,
  ListPipelineExecutionsCommand,
  PutJobFailureResultCommand,
  RetryStageExecutionCommand,
  StopPipelineExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipelineCommand,
  ValidationException,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetJobDetailsCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  ListActionExecutionsCommand,
  ListPipelinesCommand,
  PipelineExecutionNotFoundException,
  PipelineNameInUseException,
  PipelineNotFoundException,
  ListTagsForResourceCommand,
  PollForJobsCommand,
  PutApprovalResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionOwner,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { approvalAction, codeBuildAction, commandsStage, gitSourceStage, initGitRepository, stage } from '@sluice/testing/fixtures';
import { gatewayClient, eventually } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// The AWS-compatible API of the running embedded platform, driven by the real AWS SDK with the admin key pair the
// platform writes to {dataDir}/admin-credentials on first start.
jest.setTimeout(180_000);

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-aws-e2e-'));
let platform: PlatformProcess;
let credentials: { accessKeyId: string; secretAccessKey: string };
let repositoryUrl: string;

function createRepository(): string {
  return `file://${initGitRepository(join(dataDir, 'repo'), { README: 'release me\n' })}`;
}

/** Source → manual Approval → Build, in CodePipeline's JSON (what `aws codepipeline create-pipeline` sends). */
const releasePipeline = (name: string): PipelineDeclaration =>
  ({
    name,
    roleArn: 'arn:aws:iam::123456789012:role/unused-by-sluice',
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      gitSourceStage({ repositoryUrl, runOrder: 1 }),
      stage('Approval', approvalAction('Approve', { CustomData: 'ship it?' })),
      commandsStage('Build', 'cat README', { runOrder: 1, inputs: 'SourceOutput' }),
    ],
  }) as unknown as PipelineDeclaration;

const client = (options: { accessKeyId?: string; secretAccessKey?: string; systemClockOffset?: number } = {}) =>
  new CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: options.accessKeyId ?? credentials.accessKeyId, secretAccessKey: options.secretAccessKey ?? credentials.secretAccessKey },
    ...(options.systemClockOffset !== undefined ? { systemClockOffset: options.systemClockOffset } : {}),
  });

beforeAll(async () => {
  repositoryUrl = createRepository();
  // Refused calls are written once per address, reason and period: a period of 1 s here instead of a minute.
  platform = await startPlatformProcess(dataDir, { SLUICE_AUDIT_REFUSALS_FLUSH_SECONDS: '1' });
  const file = join(dataDir, 'admin-credentials');
  const text = readFileSync(file, 'utf8');
  credentials = {
    accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!,
    secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]!,
  };
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the AWS-compatible API with the AWS SDK', () => {
  it('writes the admin key pair in the AWS shared-credentials format', () => {
    expect(readFileSync(join(dataDir, 'admin-credentials'), 'utf8')).toMatch(/\[default\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = \S{40}\n/);
  });

  it('runs the whole release flow: create, start, approve with the token from getPipelineState, succeed, list action executions', async () => {
    const cp = client();
    const definition = releasePipeline('release');
    const created = await cp.send(new CreatePipelineCommand({ pipeline: definition, tags: [{ key: 'team', value: 'web' }] }));
    expect(created.pipeline?.name).toBe('release');

    const got = await cp.send(new GetPipelineCommand({ name: 'release' }));
    expect(got.pipeline).toMatchObject({ ...definition, version: 1 });
    expect(got.metadata?.pipelineArn).toEqual(expect.any(String));
    expect(got.metadata?.created).toBeInstanceOf(Date);

    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: 'release' }));
    expect(pipelineExecutionId).toEqual(expect.any(String));

    const token = await eventually(
      async () => {
        const state = await cp.send(new GetPipelineStateCommand({ name: 'release' }));
        const approval = state.stageStates?.find((stage) => stage.stageName === 'Approval')?.actionStates?.[0]?.latestExecution;
        return approval?.status === 'InProgress' && approval.token ? approval.token : undefined;
      },
      'the approval to wait with a token',
      90_000,
    );

    await expect(
      cp.send(new PutApprovalResultCommand({ pipelineName: 'release', stageName: 'Approval', actionName: 'Approve', token: 'not-the-token', result: { status: 'Approved', summary: 'no' } })),
    ).rejects.toBeInstanceOf(InvalidApprovalTokenException);
    // The pipeline is looked for before the token, as AWS does.
    await expect(
      cp.send(new PutApprovalResultCommand({ pipelineName: 'no-such-release', stageName: 'Approval', actionName: 'Approve', token, result: { status: 'Approved', summary: 'no' } })),
    ).rejects.toBeInstanceOf(PipelineNotFoundException);
    const approved = await cp.send(new PutApprovalResultCommand({ pipelineName: 'release', stageName: 'Approval', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ship it' } }));
    expect(approved.approvedAt).toBeInstanceOf(Date);

    const finished = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'release', pipelineExecutionId }));
        return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
      },
      'the execution to finish',
      90_000,
    );
    expect(finished.status).toBe('Succeeded');

    const actions = await cp.send(new ListActionExecutionsCommand({ pipelineName: 'release', filter: { pipelineExecutionId } }));
    expect(actions.actionExecutionDetails?.map((detail) => [detail.stageName, detail.actionName, detail.status]).sort()).toEqual([
      ['Approval', 'Approve', 'Succeeded'],
      ['Build', 'Build', 'Succeeded'],
      ['Source', 'Checkout', 'Succeeded'],
    ]);
    expect(actions.actionExecutionDetails?.every((detail) => detail.startTime instanceof Date)).toBe(true);
  });

  it('accepts an AWS CodeBuild action, returns the definition as given, and runs it with the mapped Commands provider', async () => {
    const cp = client();
    const definition = {
      name: 'aws-codebuild',
      roleArn: 'arn:aws:iam::123456789012:role/unused-by-sluice',
      artifactStore: { type: 'S3', location: 'sluice-artifacts' },
      stages: [
        gitSourceStage({ repositoryUrl, runOrder: 1 }),
        stage(
          'Build',
          codeBuildAction({
            name: 'CodeBuild',
            projectName: 'release-build',
            runOrder: 1,
            buildSpec: "version: 0.2\nphases:\n  build:\n    commands:\n      - grep -q 'release me' README\n",
            inputs: 'SourceOutput',
            roleArn: 'arn:aws:iam::123456789012:role/codebuild',
            region: 'us-east-1',
          }),
        ),
      ],
    } as unknown as PipelineDeclaration;
    await cp.send(new CreatePipelineCommand({ pipeline: definition }));

    const got = await cp.send(new GetPipelineCommand({ name: 'aws-codebuild' }));
    expect(got.pipeline).toEqual({ ...definition, version: 1 });

    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: 'aws-codebuild' }));
    const finished = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'aws-codebuild', pipelineExecutionId }));
        return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
      },
      'the execution to finish',
      90_000,
    );
    expect(finished.status).toBe('Succeeded');
    const actions = await cp.send(new ListActionExecutionsCommand({ pipelineName: 'aws-codebuild', filter: { pipelineExecutionId } }));
    expect(actions.actionExecutionDetails?.map((detail) => [detail.actionName, detail.status]).sort()).toEqual([
      ['Checkout', 'Succeeded'],
      ['CodeBuild', 'Succeeded'],
    ]);

    const unmapped = { ...definition, name: 'aws-cloudformation', stages: [definition.stages![0], { name: 'Deploy', actions: [{ name: 'Stack', actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }, inputArtifacts: [{ name: 'SourceOutput' }] }] }] } as unknown as PipelineDeclaration;
    await expect(cp.send(new CreatePipelineCommand({ pipeline: unmapped }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('$.stages[1].actions[0].actionTypeId'),
    });
  });

  it('answers a taken name, an unknown pipeline and an unknown execution as typed SDK exceptions', async () => {
    const cp = client();
    await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline('taken') }));
    await expect(cp.send(new CreatePipelineCommand({ pipeline: releasePipeline('taken') }))).rejects.toBeInstanceOf(PipelineNameInUseException);
    await expect(cp.send(new GetPipelineCommand({ name: 'no-such-pipeline' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
    await expect(cp.send(new GetPipelineExecutionCommand({ pipelineName: 'taken', pipelineExecutionId: '00000000-0000-4000-8000-000000000000' }))).rejects.toBeInstanceOf(PipelineExecutionNotFoundException);
  });

  it('pages ListPipelines with nextToken', async () => {
    const cp = client();
    for (const name of ['page-a', 'page-b', 'page-c']) await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline(name) }));
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await cp.send(new ListPipelinesCommand({ maxResults: 2, nextToken }));
      expect(page.pipelines!.length).toBeLessThanOrEqual(2);
      names.push(...page.pipelines!.map((p) => p.name!));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken);
    expect(names).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c', 'release', 'taken']));
    expect(new Set(names).size).toBe(names.length);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses a bad secret, an expired date and a revoked key in AWS shape, and records each refusal in the audit trail', async () => {
    const refusal = async (cp: CodePipelineClient) => {
      const error = (await cp.send(new ListPipelinesCommand({})).catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
      return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
    };
    expect(await refusal(client({ secretAccessKey: 'x'.repeat(40) }))).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(await refusal(client({ systemClockOffset: -20 * 60 * 1000 }))).toMatchObject({ name: 'InvalidSignatureException', status: 403, message: expect.stringMatching(/^Signature expired/) });

    // A key created and revoked through the GraphQL API (the same permissions service): refused once deleted.
    const gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
    const created = await gql<{ createAccessKey: { accessKeyId: string; secretAccessKey: string } }>('mutation { createAccessKey { accessKeyId secretAccessKey } }');
    expect(created.errors).toBeUndefined();
    const key = created.data!.createAccessKey;
    const keyed = client({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
    expect((await keyed.send(new ListPipelinesCommand({}))).pipelines).toEqual(expect.any(Array));
    expect((await gql('mutation($id: String!) { deleteAccessKey(accessKeyId: $id) { status } }', { id: key.accessKeyId })).errors).toBeUndefined();
    expect(await refusal(keyed)).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });

    // Counted per address, reason and period, then written as one record each with its count (RefusalTally).
    const reasons = await eventually(async () => {
      const audit = await gql<{ lookupAuditEvents: { edges: Array<{ node: { requestParameters: { reason?: string } } }> } }>(
        'query { lookupAuditEvents(filter: { operation: "sluice:Authenticate" }, first: 100) { edges { node { requestParameters } } } }',
      );
      expect(audit.errors).toBeUndefined();
      const found = audit.data!.lookupAuditEvents.edges.map(({ node }) => node.requestParameters.reason ?? '');
      return found.some((reason) => reason.startsWith('UnrecognizedClientException')) ? found : undefined;
    }, 'the refusals to be written');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^InvalidSignatureException: The request signature we calculated does not match/),
        expect.stringMatching(/^InvalidSignatureException: Signature expired/),
        expect.stringMatching(/^UnrecognizedClientException: /),
      ]),
    );
  });
});

describe('the other pipeline operations with the AWS SDK', () => {
  it('updates with the version read, refuses a stale one, and deletes', async () => {
    const cp = client();
    await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline('edited') }));
    const { pipeline } = await cp.send(new GetPipelineCommand({ name: 'edited' }));
    const changed = { ...pipeline!, stages: pipeline!.stages!.filter((stage) => stage.name !== 'Approval') };
    const updated = await cp.send(new UpdatePipelineCommand({ pipeline: changed }));
    expect(updated.pipeline?.version).toBe(2);
    expect((await cp.send(new GetPipelineCommand({ name: 'edited' }))).pipeline?.stages?.map((stage) => stage.name)).toEqual(['Source', 'Build']);
    // A stale version: UpdatePipeline's model declares no ConcurrentModificationException, so it is a ValidationException
    // (decision 0037), with the service's message naming the version.
    const stale = cp.send(new UpdatePipelineCommand({ pipeline: changed }));
    await expect(stale).rejects.toBeInstanceOf(ValidationException);
    await expect(stale).rejects.toThrow(/version/i);
    // Without a version, as AWS takes it: the last writer wins.
    const { version: _read, ...unversioned } = (await cp.send(new GetPipelineCommand({ name: 'edited' }))).pipeline!;
    expect((await cp.send(new UpdatePipelineCommand({ pipeline: { ...unversioned, stages: pipeline!.stages } }))).pipeline?.version).toBe(3);
    expect((await cp.send(new GetPipelineCommand({ name: 'edited' }))).pipeline?.stages?.map((stage) => stage.name)).toEqual(pipeline!.stages!.map((stage) => stage.name));
    expect(pipeline!.stages!.map((stage) => stage.name)).toContain('Approval');
    await cp.send(new DeletePipelineCommand({ name: 'edited' }));
    await expect(cp.send(new GetPipelineCommand({ name: 'edited' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
    // Deleting again succeeds, as AWS's does.
    await expect(cp.send(new DeletePipelineCommand({ name: 'edited' }))).resolves.toBeDefined();
  });

  it('disables and enables a transition, stops an execution and lists executions', async () => {
    const cp = client();
    await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline('gated') }));
    await cp.send(new DisableStageTransitionCommand({ pipelineName: 'gated', stageName: 'Build', transitionType: 'Inbound', reason: 'freeze' }));
    const inbound = async () => (await cp.send(new GetPipelineStateCommand({ name: 'gated' }))).stageStates?.find((stage) => stage.stageName === 'Build')?.inboundTransitionState;
    expect(await inbound()).toMatchObject({ enabled: false, disabledReason: 'freeze' });
    await cp.send(new EnableStageTransitionCommand({ pipelineName: 'gated', stageName: 'Build', transitionType: 'Inbound' }));
    expect((await inbound())?.enabled).toBe(true);

    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: 'gated' }));
    await eventually(
      async () => ((await cp.send(new GetPipelineStateCommand({ name: 'gated' }))).stageStates?.find((s) => s.stageName === 'Approval')?.latestExecution?.status === 'InProgress' ? true : undefined),
      'the approval to wait',
      60_000,
    );
    expect((await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'gated', pipelineExecutionId, abandon: true, reason: 'not today' }))).pipelineExecutionId).toBe(pipelineExecutionId);
    const stopped = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'gated', pipelineExecutionId }));
        return pipelineExecution?.status === 'Stopped' ? pipelineExecution : undefined;
      },
      'the execution to stop',
      60_000,
    );
    expect(stopped.pipelineExecutionId).toBe(pipelineExecutionId);
    const { pipelineExecutionSummaries } = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'gated' }));
    expect(pipelineExecutionSummaries?.map((summary) => [summary.pipelineExecutionId, summary.status])).toEqual([[pipelineExecutionId, 'Stopped']]);
    expect(pipelineExecutionSummaries?.[0]?.stopTrigger?.reason).toBe('not today');
  });

  it('tags and untags a pipeline by its ARN, and lists action types', async () => {
    const cp = client();
    const { metadata } = await cp.send(new GetPipelineCommand({ name: 'release' }));
    await cp.send(new TagResourceCommand({ resourceArn: metadata!.pipelineArn!, tags: [{ key: 'env', value: 'prod' }] }));
    const tagged = await cp.send(new ListTagsForResourceCommand({ resourceArn: metadata!.pipelineArn! }));
    expect(tagged.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'web' }, { key: 'env', value: 'prod' }]));
    await cp.send(new UntagResourceCommand({ resourceArn: metadata!.pipelineArn!, tagKeys: ['team'] }));
    expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: metadata!.pipelineArn! }))).tags).toEqual([{ key: 'env', value: 'prod' }]);

    const { actionTypes } = await cp.send(new ListActionTypesCommand({ actionOwnerFilter: 'Sluice' as ActionOwner }));
    expect(actionTypes?.map((type) => type.id?.provider)).toEqual(expect.arrayContaining(['Git', 'Commands']));
    expect(actionTypes?.every((type) => (type.id?.owner as string | undefined) === 'Sluice')).toBe(true);
  });
});

describe('a CodePipeline job worker written only with the AWS SDK', () => {
  const actionTypeId = { category: 'Test', owner: 'Custom', provider: 'SdkWorker', version: '1' } as const;

  /** The worker loop as CodePipeline's documentation writes it: poll, acknowledge, read details, report success. */
  async function workOneJob(cp: CodePipelineClient): Promise<{ greeting: string; pipelineName: string }> {
    return eventually(
      async () => {
        const { jobs } = await cp.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: 1 }));
        const job = jobs?.[0];
        if (!job) return undefined;
        const acknowledged = await cp.send(new AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }));
        expect(acknowledged.status).toBe('InProgress');
        const { jobDetails } = await cp.send(new GetJobDetailsCommand({ jobId: job.id! }));
        const greeting = jobDetails!.data!.actionConfiguration!.configuration!.Greeting!;
        await cp.send(new PutJobSuccessResultCommand({ jobId: job.id!, executionDetails: { summary: `said ${greeting}`, externalExecutionId: 'sdk-1', percentComplete: 100 } }));
        return { greeting, pipelineName: job.data!.pipelineContext!.pipelineName! };
      },
      'a job for the SDK worker',
      90_000,
    );
  }

  it('runs a custom action inside a Sluice pipeline', async () => {
    const cp = client();
    const created = await cp.send(
      new CreateCustomActionTypeCommand({
        ...actionTypeId,
        settings: { entityUrlTemplate: 'https://ci.example.com/' },
        configurationProperties: [{ name: 'Greeting', required: true, key: true, secret: false, queryable: false, type: 'String' }],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
    expect(created.actionType?.id).toEqual(actionTypeId);

    const pipeline = releasePipeline('custom-worker');
    (pipeline as { stages: unknown[] }).stages = [
      pipeline.stages![0],
      { name: 'Greet', actions: [{ name: 'Greet', actionTypeId, runOrder: 1, configuration: { Greeting: 'hello from Sluice' }, inputArtifacts: [{ name: 'SourceOutput' }] }] },
    ];
    await cp.send(new CreatePipelineCommand({ pipeline, tags: [{ key: 'kind', value: 'custom' }] }));
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: 'custom-worker' }));

    expect(await workOneJob(cp)).toEqual({ greeting: 'hello from Sluice', pipelineName: 'custom-worker' });

    const finished = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'custom-worker', pipelineExecutionId }));
        return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
      },
      'the execution to finish',
      60_000,
    );
    expect(finished.status).toBe('Succeeded');
    const actions = await cp.send(new ListActionExecutionsCommand({ pipelineName: 'custom-worker', filter: { pipelineExecutionId } }));
    const greet = actions.actionExecutionDetails?.find((detail) => detail.actionName === 'Greet');
    expect(greet?.output?.executionResult).toMatchObject({ externalExecutionSummary: 'said hello from Sluice', externalExecutionId: 'sdk-1' });

    const { metadata } = await cp.send(new GetPipelineCommand({ name: 'custom-worker' }));
    expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: metadata!.pipelineArn! }))).tags).toEqual([{ key: 'kind', value: 'custom' }]);
  });

  it('reports a failure with PutJobFailureResult, and the stage is retried with RetryStageExecution', async () => {
    const cp = client();
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: 'custom-worker' }));
    const failedJob = await eventually(async () => (await cp.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: 1 }))).jobs?.[0], 'a job to fail', 60_000);
    await cp.send(new AcknowledgeJobCommand({ jobId: failedJob.id!, nonce: failedJob.nonce! }));
    await cp.send(new PutJobFailureResultCommand({ jobId: failedJob.id!, failureDetails: { type: 'JobFailed', message: 'the greeting bounced' } }));
    const failed = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'custom-worker', pipelineExecutionId }));
        return pipelineExecution?.status === 'Failed' ? pipelineExecution : undefined;
      },
      'the execution to fail',
      60_000,
    );
    expect(failed.status).toBe('Failed');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'custom-worker' }));
    expect(state.stageStates?.find((stage) => stage.stageName === 'Greet')?.actionStates?.[0]?.latestExecution?.errorDetails).toEqual({ code: 'JobFailed', message: expect.stringContaining('the greeting bounced') });

    await cp.send(new RetryStageExecutionCommand({ pipelineName: 'custom-worker', stageName: 'Greet', pipelineExecutionId, retryMode: 'FAILED_ACTIONS' }));
    expect(await workOneJob(cp)).toEqual({ greeting: 'hello from Sluice', pipelineName: 'custom-worker' });
    const retried = await eventually(
      async () => {
        const { pipelineExecution } = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'custom-worker', pipelineExecutionId }));
        return pipelineExecution?.status === 'Succeeded' ? pipelineExecution : undefined;
      },
      'the retried execution to succeed',
      60_000,
    );
    expect(retried.status).toBe('Succeeded');
  });
});

/** Debian's AWS CLI v2 (scripts/ensure-awscli.sh installs it); SLUICE_TEST_AWSCLI=skip skips these tests on purpose. */
const AWS_CLI = process.env.SLUICE_AWS_CLI ?? '/usr/bin/aws';
const describeCli = process.env.SLUICE_TEST_AWSCLI === 'skip' ? describe.skip : describe;

describeCli('the real AWS CLI against /aws', () => {
  const aws = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: run scripts/ensure-awscli.sh (or set SLUICE_TEST_AWSCLI=skip to skip these tests)`);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dataDir,
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'admin-credentials'),
      AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
      AWS_PAGER: '',
    };
    try {
      const { stdout, stderr } = await promisify(execFile)(AWS_CLI, ['codepipeline', ...args, '--endpoint-url', `${platform.url}/aws`, '--region', 'us-east-1', '--output', 'json'], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
    }
  };

  it('lists pipelines with the admin credentials file, following nextToken', async () => {
    const listed = await aws('list-pipelines', '--page-size', '2');
    expect(listed).toMatchObject({ code: 0 });
    const names = (JSON.parse(listed.stdout) as { pipelines: Array<{ name: string; created: number }> }).pipelines.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['release', 'taken', 'page-a', 'page-b', 'page-c']));
  });

  it('reads the pipeline state, and prints an unknown pipeline as AWS does', async () => {
    const state = await aws('get-pipeline-state', '--name', 'release');
    expect(state.code).toBe(0);
    const parsed = JSON.parse(state.stdout) as { pipelineName: string; stageStates: Array<{ stageName: string; latestExecution?: { status: string } }> };
    expect(parsed.pipelineName).toBe('release');
    expect(parsed.stageStates.map((stage) => [stage.stageName, stage.latestExecution?.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Approval', 'Succeeded'],
      ['Build', 'Succeeded'],
    ]);
    const missing = await aws('get-pipeline', '--name', 'no-such-pipeline');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('An error occurred (PipelineNotFoundException) when calling the GetPipeline operation');
  });
});
