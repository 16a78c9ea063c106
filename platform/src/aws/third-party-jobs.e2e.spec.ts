import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AcknowledgeThirdPartyJobCommand,
  ActionTypeNotFoundException,
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetThirdPartyJobDetailsCommand,
  InvalidClientTokenException,
  InvalidJobStateException,
  InvalidNonceException,
  JobNotFoundException,
  ListActionExecutionsCommand,
  PollForJobsCommand,
  AcknowledgeJobCommand,
  PollForThirdPartyJobsCommand,
  PutThirdPartyJobFailureResultCommand,
  PutThirdPartyJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  ValidationException,
  type PipelineDeclaration,
  type ThirdPartyJob,
} from '@aws-sdk/client-codepipeline';
import { gitSourceStage, initGitRepository, stage } from '@sluice/testing/fixtures';
import { gatewayClient, eventually } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// CodePipeline's third-party job calls through the real AWS SDK (and one flow through the AWS CLI v2) against a
// running embedded platform: a partner's type registered in the account (owner ThirdParty), its jobs taken by a
// worker allowed that type only, bound to the client token they were acknowledged with. A worker of another type and
// a second account get nothing of them.
jest.setTimeout(240_000);

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-aws-third-party-'));
let platform: PlatformProcess;
let admin: CodePipelineClient;
let partner: CodePipelineClient;
let otherWorker: CodePipelineClient;
let globex: CodePipelineClient;
let repository: string;

type Keys = { accessKeyId: string; secretAccessKey: string };
const clientWith = (credentials: Keys) => new CodePipelineClient({ endpoint: `${platform.url}/aws`, region: 'us-east-1', maxAttempts: 1, credentials });

const ROLE = 'arn:aws:iam::123456789012:role/unused-by-sluice';
const partnerType = { category: 'Deploy', owner: 'ThirdParty', provider: 'PartnerDeploy', version: '1' } as const;
const JOB_WORKER_ACTIONS = ['sluice:PollForJobs', 'sluice:AcknowledgeJob', 'sluice:GetJobDetails', 'sluice:PutJobSuccessResult', 'sluice:PutJobFailureResult'];

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function finished(pipelineName: string, pipelineExecutionId: string) {
  return eventually(
    async () => {
      const { pipelineExecution } = await admin.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
      return pipelineExecution?.status === 'InProgress' ? undefined : pipelineExecution;
    },
    `${pipelineName} ${pipelineExecutionId} to finish`,
    90_000,
  );
}

/** The next job of the partner's type, as a third-party worker polls for it. */
const nextJob = (client: CodePipelineClient = partner): Promise<ThirdPartyJob> =>
  eventually(async () => (await client.send(new PollForThirdPartyJobsCommand({ actionTypeId: partnerType, maxBatchSize: 1 }))).jobs?.[0], 'a third-party job', 90_000);

beforeAll(async () => {
  repository = initGitRepository(join(dataDir, 'repo'), { README: 'v1\n' });
  platform = await startPlatformProcess(dataDir);
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  admin = clientWith({ accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! });

  const gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
  const ok = <T>(answer: { data?: T | null; errors?: unknown }, what: string): T => {
    if (answer.errors || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
    return answer.data;
  };
  // The partner's type, registered in the account: Sluice's `owner` member of CreateCustomActionType.
  const registration = {
    ...partnerType,
    configurationProperties: [{ name: 'Site', required: true, key: true, secret: false, queryable: false, type: 'String' }],
    inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  };
  const registered = ok(await gql<{ createCustomActionType: { id: unknown } }>('mutation($input: JSON!) { createCustomActionType(input: $input) { id { category owner provider version } } }', { input: registration }), 'register');
  expect(registered.createCustomActionType.id).toEqual(partnerType);

  // Two workers with less than admin: one of the partner's type only, one of a custom type only.
  const worker = async (userName: string, resource: string): Promise<CodePipelineClient> => {
    ok(await gql(`mutation { createUser(userName: "${userName}") { userName } }`), 'createUser');
    const document = { Version: '2026-01-01', Statement: [{ Effect: 'Allow', Action: JOB_WORKER_ACTIONS, Resource: resource }] };
    ok(await gql(`mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "${userName}", policyName: "jobs", document: $d) { name } }`, { d: document }), 'attachPolicy');
    return clientWith(ok(await gql<{ createAccessKey: Keys }>(`mutation { createAccessKey(principalId: "${userName}") { accessKeyId secretAccessKey } }`), 'key').createAccessKey);
  };
  partner = await worker('partner-worker', 'srn:sluice:default:actiontype/ThirdParty/Deploy/PartnerDeploy/1');
  otherWorker = await worker('custom-worker', 'srn:sluice:default:actiontype/Custom/*');

  const created = ok(await gql<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "globex", adminUserName: "gadmin") { adminToken { token } } }'), 'createAccount');
  const asGlobex = gatewayClient(platform.url, { account: 'globex', actor: 'gadmin', token: created.createAccount.adminToken.token });
  globex = clientWith(ok(await asGlobex<{ createAccessKey: Keys }>('mutation { createAccessKey { accessKeyId secretAccessKey } }'), 'globex key').createAccessKey);

  const source = gitSourceStage({ repositoryUrl: `file://${repository}`, runOrder: 1, configuration: { PollForSourceChanges: 'false' } });
  // The fixtures' types name the owners of Sluice's own definitions; the partner's is AWS's fourth.
  const deploy = stage('Deploy', { name: 'ToPartner', actionTypeId: partnerType as unknown as { category: 'Deploy'; owner: 'Custom'; provider: string; version: string }, runOrder: 1, configuration: { Site: 'prod' }, inputArtifacts: [{ name: 'SourceOutput' }] });
  await admin.send(new CreatePipelineCommand({ pipeline: { name: 'partner-deploy', roleArn: ROLE, stages: [source, deploy] } as unknown as PipelineDeclaration }));
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('third-party jobs through the AWS SDK', () => {
  it('hands a job to the partner, bound to the client token it is acknowledged with; another token is refused at every call', async () => {
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'partner-deploy' }));
    const job = await nextJob();
    expect(job.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const { jobDetails } = await partner.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'token-a' }));
    expect(jobDetails?.id).toBe(job.jobId);
    expect(jobDetails?.data?.actionTypeId).toEqual(partnerType);
    expect(jobDetails?.data?.actionConfiguration?.configuration).toEqual({ Site: 'prod' });
    expect(jobDetails?.data?.pipelineContext?.pipelineName).toBe('partner-deploy');
    expect(jobDetails?.data?.inputArtifacts?.map((artifact) => artifact.name)).toEqual(['SourceOutput']);
    const nonce = jobDetails!.nonce!;
    expect(nonce).toBeTruthy();

    expect(await failureOf(partner.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: 'not-the-nonce', clientToken: 'token-a' })))).toBeInstanceOf(InvalidNonceException);
    expect((await partner.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce, clientToken: 'token-a' }))).status).toBe('InProgress');

    // From now on the job is token-a's.
    const wrong = { jobId: job.jobId, clientToken: 'token-b' };
    expect(await failureOf(partner.send(new AcknowledgeThirdPartyJobCommand({ ...wrong, nonce })))).toBeInstanceOf(InvalidClientTokenException);
    expect(await failureOf(partner.send(new GetThirdPartyJobDetailsCommand(wrong)))).toBeInstanceOf(InvalidClientTokenException);
    expect(await failureOf(partner.send(new PutThirdPartyJobSuccessResultCommand(wrong)))).toBeInstanceOf(InvalidClientTokenException);
    expect(await failureOf(partner.send(new PutThirdPartyJobFailureResultCommand({ ...wrong, failureDetails: { type: 'JobFailed', message: 'hijack' } })))).toBeInstanceOf(InvalidClientTokenException);
    // The plain job calls present no token: they do not reach a third-party job either.
    expect(await failureOf(admin.send(new AcknowledgeJobCommand({ jobId: job.jobId!, nonce })))).toBeInstanceOf(ValidationException);

    await partner.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'token-a', executionDetails: { summary: 'deployed by the partner', externalExecutionId: 'partner-42' } }));
    expect((await finished('partner-deploy', pipelineExecutionId!)).status).toBe('Succeeded');
    const { actionExecutionDetails } = await admin.send(new ListActionExecutionsCommand({ pipelineName: 'partner-deploy', filter: { pipelineExecutionId } }));
    const deployed = actionExecutionDetails?.find((detail) => detail.actionName === 'ToPartner');
    expect(deployed?.output?.executionResult).toMatchObject({ externalExecutionSummary: 'deployed by the partner', externalExecutionId: 'partner-42' });
    // A result is taken once.
    expect(await failureOf(partner.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'token-a' })))).toBeInstanceOf(InvalidJobStateException);
  });

  it('fails the action with the failure the partner reports', async () => {
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'partner-deploy' }));
    const job = await nextJob();
    const { jobDetails } = await partner.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'token-c' }));
    await partner.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: jobDetails!.nonce!, clientToken: 'token-c' }));
    await partner.send(new PutThirdPartyJobFailureResultCommand({ jobId: job.jobId, clientToken: 'token-c', failureDetails: { type: 'ConfigurationError', message: 'the site prod is closed' } }));
    const execution = await finished('partner-deploy', pipelineExecutionId!);
    expect(execution.status).toBe('Failed');
    const { actionExecutionDetails } = await admin.send(new ListActionExecutionsCommand({ pipelineName: 'partner-deploy', filter: { pipelineExecutionId } }));
    expect(actionExecutionDetails?.find((detail) => detail.actionName === 'ToPartner')?.status).toBe('Failed');
  });

  it('refuses a worker of another type, another account and malformed calls, each as the model declares', async () => {
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'partner-deploy' }));
    const job = await nextJob();
    // A worker of custom types only may not poll or touch the partner's jobs.
    const denied = await Promise.all([
      failureOf(otherWorker.send(new PollForThirdPartyJobsCommand({ actionTypeId: partnerType }))),
      failureOf(otherWorker.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'token-d' }))),
      failureOf(otherWorker.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: 'n', clientToken: 'token-d' }))),
      failureOf(otherWorker.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'token-d' }))),
    ]);
    for (const refusal of denied) expect((refusal as Error).name).toBe('AccessDeniedException');
    // Another account: its own registry has no such type, and the job is unknown to it.
    expect(await failureOf(globex.send(new PollForThirdPartyJobsCommand({ actionTypeId: partnerType })))).toBeInstanceOf(ActionTypeNotFoundException);
    expect(await failureOf(globex.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'token-d' })))).toBeInstanceOf(JobNotFoundException);
    expect(await failureOf(globex.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'token-d' })))).toBeInstanceOf(JobNotFoundException);

    // The third-party calls are for ThirdParty types and jobs only; a client token is required.
    const custom = { ...partnerType, owner: 'Custom' as const };
    expect(await failureOf(admin.send(new PollForThirdPartyJobsCommand({ actionTypeId: custom })))).toBeInstanceOf(ValidationException);
    // ...and the plain PollForJobs does not hand a third-party job out (it could not be acknowledged without a token).
    expect(await failureOf(admin.send(new PollForJobsCommand({ actionTypeId: partnerType })))).toBeInstanceOf(ValidationException);
    expect(await failureOf(admin.send(new PollForThirdPartyJobsCommand({ actionTypeId: { ...partnerType, provider: 'NoSuchPartner' } })))).toBeInstanceOf(ActionTypeNotFoundException);
    expect(await failureOf(admin.send(new GetThirdPartyJobDetailsCommand({ jobId: 'no-such-job', clientToken: 't' })))).toBeInstanceOf(JobNotFoundException);
    expect(await failureOf(admin.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: '' })))).toBeInstanceOf(ValidationException);
    expect(await failureOf(admin.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'x'.repeat(257) })))).toBeInstanceOf(ValidationException);
    expect(await failureOf(admin.send(new PollForThirdPartyJobsCommand({ actionTypeId: partnerType, maxBatchSize: 0 })))).toBeInstanceOf(ValidationException);
    expect(await failureOf(admin.send(new PollForJobsCommand({ actionTypeId: { ...partnerType, owner: 'Custom', provider: 'NoSuchTool' } })))).toBeInstanceOf(ActionTypeNotFoundException);

    // The job is still the partner's to take.
    const { jobDetails } = await partner.send(new GetThirdPartyJobDetailsCommand({ jobId: job.jobId, clientToken: 'token-d' }));
    await partner.send(new AcknowledgeThirdPartyJobCommand({ jobId: job.jobId, nonce: jobDetails!.nonce!, clientToken: 'token-d' }));
    await partner.send(new PutThirdPartyJobSuccessResultCommand({ jobId: job.jobId, clientToken: 'token-d' }));
    expect((await finished('partner-deploy', pipelineExecutionId!)).status).toBe('Succeeded');
  });
});

/** The AWS CLI v2 (scripts/ensure-awscli.sh installs it); SLUICE_TEST_AWSCLI=skip skips this test on purpose. */
const AWS_CLI = process.env.SLUICE_AWS_CLI ?? '/usr/bin/aws';
const describeCli = process.env.SLUICE_TEST_AWSCLI === 'skip' ? describe.skip : describe;

describeCli('third-party jobs through the real AWS CLI', () => {
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

  it('polls, reads, acknowledges and fails a job; a wrong token prints InvalidClientTokenException', async () => {
    const { pipelineExecutionId } = await admin.send(new StartPipelineExecutionCommand({ name: 'partner-deploy' }));
    const type = `category=${partnerType.category},owner=${partnerType.owner},provider=${partnerType.provider},version=${partnerType.version}`;
    const jobId = await eventually(
      async () => {
        const polled = await aws('poll-for-third-party-jobs', '--action-type-id', type, '--max-batch-size', '1');
        expect(polled.code).toBe(0);
        return (JSON.parse(polled.stdout) as { jobs: Array<{ jobId: string }> }).jobs[0]?.jobId;
      },
      'a third-party job through the CLI',
      90_000,
    );
    const details = await aws('get-third-party-job-details', '--job-id', jobId, '--client-token', 'cli-token');
    expect(details.code).toBe(0);
    const { jobDetails } = JSON.parse(details.stdout) as { jobDetails: { nonce: string; data: { actionTypeId: unknown } } };
    expect(jobDetails.data.actionTypeId).toEqual(partnerType);
    const acknowledged = await aws('acknowledge-third-party-job', '--job-id', jobId, '--nonce', jobDetails.nonce, '--client-token', 'cli-token');
    expect(JSON.parse(acknowledged.stdout)).toEqual({ status: 'InProgress' });
    const hijack = await aws('put-third-party-job-success-result', '--job-id', jobId, '--client-token', 'other-token');
    expect(hijack.code).not.toBe(0);
    expect(hijack.stderr).toContain('An error occurred (InvalidClientTokenException) when calling the PutThirdPartyJobSuccessResult operation');
    const failed = await aws('put-third-party-job-failure-result', '--job-id', jobId, '--client-token', 'cli-token', '--failure-details', 'type=JobFailed,message=partner said no');
    expect(failed.code).toBe(0);
    expect((await finished('partner-deploy', pipelineExecutionId!)).status).toBe('Failed');
  });
});
