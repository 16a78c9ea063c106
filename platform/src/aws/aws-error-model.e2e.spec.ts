import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as sdk from '@aws-sdk/client-codepipeline';
import { commandsStage, initGitRepository, gitSourceStage } from '@sluice/testing/fixtures';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { AWS_COMMON_ERRORS, loadCodePipelineModel } from '@sluice/gateway/testing';

// Every error /aws answers is one CodePipeline's model declares for that operation (or one AWS documents for every
// operation), and no input answers a 5xx: each operation Sluice serves is called, through the real AWS SDK, with
// inputs that must be refused — missing members, unknown names, bad ARNs, forged tokens.
jest.setTimeout(240_000);

const model = loadCodePipelineModel();
const dataDir = mkdtempSync(join(tmpdir(), 'sluice-aws-model-'));
let platform: PlatformProcess;
let client: sdk.CodePipelineClient;
let account = '';

const UNKNOWN = 'no-such-pipeline';
const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const arnOf = (name: string, accountId = account) => `arn:aws:codepipeline:us-east-1:${accountId}:${name}`;
const customType = { category: 'Build', owner: 'Custom', provider: 'NoSuchProvider', version: '1' };

/** Inputs each operation must refuse; `existing` is a pipeline that exists (Source → Build), with one execution. */
const refusedInputs = (existing: string): Record<string, Array<Record<string, unknown>>> => ({
  ListPipelines: [{ nextToken: 'not-a-token' }, { maxResults: 0 }],
  GetPipeline: [{}, { name: UNKNOWN }, { name: 'x'.repeat(101) }, { name: existing, version: 99 }],
  CreatePipeline: [{}, { pipeline: { name: 'bad name!', roleArn: 'arn:aws:iam::123456789012:role/r', stages: [] } }, { pipeline: { name: existing, roleArn: 'arn:aws:iam::123456789012:role/r', stages: [] } }],
  UpdatePipeline: [{}, { pipeline: { name: UNKNOWN, roleArn: 'arn:aws:iam::123456789012:role/r', stages: [] } }],
  DeletePipeline: [{}],
  GetPipelineState: [{}, { name: UNKNOWN }],
  StartPipelineExecution: [{}, { name: UNKNOWN }],
  StopPipelineExecution: [{}, { pipelineName: UNKNOWN, pipelineExecutionId: UUID }, { pipelineName: existing, pipelineExecutionId: UUID }],
  GetPipelineExecution: [{}, { pipelineName: UNKNOWN, pipelineExecutionId: UUID }, { pipelineName: existing, pipelineExecutionId: UUID }],
  ListPipelineExecutions: [{}, { pipelineName: UNKNOWN }, { pipelineName: existing, nextToken: 'not-a-token' }],
  ListActionExecutions: [{}, { pipelineName: UNKNOWN }, { pipelineName: existing, filter: { pipelineExecutionId: UUID } }],
  RetryStageExecution: [{}, { pipelineName: UNKNOWN, stageName: 'Build', pipelineExecutionId: UUID, retryMode: 'FAILED_ACTIONS' }],
  RollbackStage: [{}, { pipelineName: UNKNOWN, stageName: 'Build', targetPipelineExecutionId: UUID }],
  PutApprovalResult: [{}, { pipelineName: UNKNOWN, stageName: 'Approval', actionName: 'Approve', token: UUID, result: { status: 'Approved', summary: 'ok' } }],
  DisableStageTransition: [{}, { pipelineName: UNKNOWN, stageName: 'Build', transitionType: 'Inbound', reason: 'r' }, { pipelineName: existing, stageName: 'Nope', transitionType: 'Inbound', reason: 'r' }],
  EnableStageTransition: [{}, { pipelineName: UNKNOWN, stageName: 'Build', transitionType: 'Inbound' }, { pipelineName: existing, stageName: 'Nope', transitionType: 'Inbound' }],
  PollForJobs: [{}, { actionTypeId: customType, maxBatchSize: 1 }],
  AcknowledgeJob: [{}, { jobId: UUID, nonce: '1' }],
  GetJobDetails: [{}, { jobId: UUID }],
  PutJobSuccessResult: [{}, { jobId: UUID }],
  PutJobFailureResult: [{}, { jobId: UUID, failureDetails: { type: 'JobFailed', message: 'no' } }],
  CreateCustomActionType: [{}, { category: 'Build', provider: 'x', version: '1', inputArtifactDetails: { minimumCount: 0, maximumCount: 99 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } }],
  ListActionTypes: [{ nextToken: 'not-a-token' }, { actionOwnerFilter: 'Nobody' }],
  TagResource: [
    {},
    { resourceArn: 'not-an-arn', tags: [{ key: 'team', value: 'web' }] },
    { resourceArn: arnOf(UNKNOWN), tags: [{ key: 'team', value: 'web' }] },
    { resourceArn: arnOf(existing, '999999999999'), tags: [{ key: 'team', value: 'web' }] },
    { resourceArn: arnOf(existing), tags: [{ key: 'aws:reserved', value: 'x' }] },
    { resourceArn: arnOf(existing), tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
  ],
  UntagResource: [{}, { resourceArn: 'not-an-arn', tagKeys: ['team'] }, { resourceArn: arnOf(UNKNOWN), tagKeys: ['team'] }],
  ListTagsForResource: [{}, { resourceArn: 'not-an-arn' }, { resourceArn: arnOf(UNKNOWN) }, { resourceArn: arnOf(existing, '999999999999') }],
  // Webhooks (issue 19, decision 0039).
  PutWebhook: [
    {},
    { webhook: webhookOn(UNKNOWN) },
    { webhook: { ...webhookOn(existing), name: 'bad name!' } },
    { webhook: { ...webhookOn(existing), filters: [{ jsonPath: '$..ref', matchEquals: 'x' }] } },
    { webhook: { ...webhookOn(existing), authenticationConfiguration: {} } },
    { webhook: { ...webhookOn(existing), authentication: 'IP', authenticationConfiguration: { AllowedIPRange: 'everyone' } } },
    { webhook: webhookOn(existing), tags: [{ key: 'aws:reserved', value: 'x' }] },
    { webhook: webhookOn(existing), tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
  ],
  ListWebhooks: [{ NextToken: 'not-a-token' }, { MaxResults: 0 }],
  DeleteWebhook: [{}, { name: 'x'.repeat(101) }],
  RegisterWebhookWithThirdParty: [{}, { webhookName: 'no-such-webhook' }],
  DeregisterWebhookWithThirdParty: [{}, { webhookName: 'no-such-webhook' }],
  // Issue 19.
  GetActionType: [{}, customType, { ...customType, owner: 'Sluice', provider: 'Nope' }, { ...customType, category: 'Compute' }],
  UpdateActionType: [
    {},
    { actionType: { executor: { type: 'JobWorker', configuration: {} }, id: customType, inputArtifactDetails: { minimumCount: 0, maximumCount: 0 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } } },
    { actionType: { executor: { type: 'JobWorker', configuration: {} }, id: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, inputArtifactDetails: { minimumCount: 0, maximumCount: 0 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } } },
    { actionType: { executor: { type: 'Lambda', configuration: {} }, id: customType, inputArtifactDetails: { minimumCount: 0, maximumCount: 0 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } } },
  ],
  DeleteCustomActionType: [{}, { category: 'Build', provider: 'NoSuchProvider', version: '1' }],
  ListRuleTypes: [{ ruleOwnerFilter: 'Nobody' }],
  ListRuleExecutions: [{}, { pipelineName: UNKNOWN }, { pipelineName: existing, filter: { pipelineExecutionId: UUID } }, { pipelineName: existing, nextToken: 'not-a-token' }],
  OverrideStageCondition: [
    {},
    { pipelineName: UNKNOWN, stageName: 'Build', pipelineExecutionId: UUID, conditionType: 'BEFORE_ENTRY' },
    { pipelineName: existing, stageName: 'Build', pipelineExecutionId: UUID, conditionType: 'BEFORE_ENTRY' },
  ],
  ListDeployActionExecutionTargets: [{}, { actionExecutionId: `${UUID}/Build/Build/1` }, { pipelineName: UNKNOWN, actionExecutionId: 'x' }, { actionExecutionId: 'x', filters: [{ name: 'COLOUR', values: [] }] }],
  PutActionRevision: [
    {},
    { pipelineName: UNKNOWN, stageName: 'Source', actionName: 'Checkout', actionRevision: { revisionId: 'a', revisionChangeId: 'a', created: new Date() } },
    { pipelineName: existing, stageName: 'Nope', actionName: 'Checkout', actionRevision: { revisionId: 'a', revisionChangeId: 'a', created: new Date() } },
    { pipelineName: existing, stageName: 'Source', actionName: 'Nope', actionRevision: { revisionId: 'a', revisionChangeId: 'a', created: new Date() } },
    { pipelineName: existing, stageName: 'Build', actionName: 'Build', actionRevision: { revisionId: 'a', revisionChangeId: 'a', created: new Date() } },
  ],
  // Third-party jobs (decision 0042).
  PollForThirdPartyJobs: [{}, { actionTypeId: { ...customType, owner: 'ThirdParty' } }, { actionTypeId: customType }, { actionTypeId: { ...customType, owner: 'ThirdParty' }, maxBatchSize: 0 }],
  AcknowledgeThirdPartyJob: [{}, { jobId: UUID, nonce: '1', clientToken: 't' }, { jobId: UUID, nonce: '1' }, { jobId: UUID, nonce: '1', clientToken: 'x'.repeat(257) }],
  GetThirdPartyJobDetails: [{}, { jobId: UUID, clientToken: 't' }, { jobId: UUID }],
  PutThirdPartyJobSuccessResult: [{}, { jobId: UUID, clientToken: 't' }],
  PutThirdPartyJobFailureResult: [{}, { jobId: UUID, clientToken: 't', failureDetails: { type: 'JobFailed', message: 'no' } }, { jobId: UUID, clientToken: 't' }],
});

/** A webhook on the Source action of `pipeline`, valid but for what a case changes. */
const webhookOn = (pipeline: string) => ({
  name: 'on-push',
  targetPipeline: pipeline,
  targetAction: 'Checkout',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: 'a-secret-token' },
});

type Answer = { operation: string; input: string; error: string; status: number | undefined };

async function call(operation: string, input: Record<string, unknown>): Promise<Answer | undefined> {
  const Command = (sdk as unknown as Record<string, new (input: unknown) => sdk.CodePipelineClient extends { send(c: infer C): unknown } ? C : never>)[`${operation}Command`]!;
  try {
    await client.send(new Command(input) as never);
    return undefined;
  } catch (error) {
    const failure = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { operation, input: JSON.stringify(input).slice(0, 120), error: failure.name, status: failure.$metadata?.httpStatusCode };
  }
}

beforeAll(async () => {
  platform = await startPlatformProcess(dataDir);
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  client = new sdk.CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! },
  });
  const repositoryUrl = `file://${initGitRepository(join(dataDir, 'repo'), { README: 'hi\n' })}`;
  const created = await client.send(
    new sdk.CreatePipelineCommand({
      pipeline: { name: 'existing', roleArn: 'arn:aws:iam::123456789012:role/r', stages: [gitSourceStage({ repositoryUrl, runOrder: 1 }), commandsStage('Build', 'true', { runOrder: 1, inputs: 'SourceOutput' })] } as never,
    }),
  );
  expect(created.pipeline?.name).toBe('existing');
  // The pipeline's ARN names the caller's account (Sluice's `srn:sluice:{account}:{pipeline}`): the ARNs below use it.
  const arn = (await client.send(new sdk.GetPipelineCommand({ name: 'existing' }))).metadata!.pipelineArn!;
  account = arn.split(':').at(-2)!;
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("/aws against CodePipeline's model", () => {
  it('refuses an ARN naming another account instead of tagging the caller’s pipeline of that name', async () => {
    const foreign = arnOf('existing', '999999999999');
    expect(await call('TagResource', { resourceArn: foreign, tags: [{ key: 'owner', value: 'someone-else' }] })).toMatchObject({ error: expect.stringMatching(/^(InvalidArnException|ResourceNotFoundException)$/) });
    expect(await call('ListTagsForResource', { resourceArn: foreign })).toMatchObject({ error: expect.stringMatching(/^(InvalidArnException|ResourceNotFoundException)$/) });
    const own = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: arnOf('existing') }));
    expect(own.tags ?? []).not.toContainEqual(expect.objectContaining({ key: 'owner' }));
  });

  it('reads the 44 operations of the SDK it is held to', () => {
    expect(model.operations).toHaveLength(44);
    expect(model.errorsOf('GetPipeline')).toEqual(new Set(['PipelineNotFoundException', 'PipelineVersionNotFoundException', 'ValidationException']));
  });

  it('answers every refused input with an error its operation declares (or a common one), never a 5xx', async () => {
    const cases = refusedInputs('existing');
    // Walks the model: every one of its operations is served and called here; none is left out.
    expect(Object.keys(cases).sort()).toEqual([...model.operations].sort());
    const answers: Answer[] = [];
    const accepted: string[] = [];
    for (const [operation, inputs] of Object.entries(cases)) {
      expect(model.operations).toContain(operation);
      for (const input of inputs) {
        const answer = await call(operation, input);
        if (answer) answers.push(answer);
        else accepted.push(`${operation} ${JSON.stringify(input)}`);
      }
    }
    const serverErrors = answers.filter((answer) => (answer.status ?? 500) >= 500);
    const undeclared = answers.filter((answer) => !model.errorsOf(answer.operation).has(answer.error) && !AWS_COMMON_ERRORS.has(answer.error));
    expect({ serverErrors, undeclared }).toEqual({ serverErrors: [], undeclared: [] });
    // Refusals, not silent successes.
    expect(accepted).toEqual([]);
  });

  it('answers each of the 44 operations through the AWS CLI (Debian’s awscli) with an error its operation declares, never a 5xx', async () => {
    const cases: Record<string, Array<Record<string, unknown>>> = { ...refusedInputs('existing'), DeletePipeline: [{ name: UNKNOWN }] };
    const required = requiredMembers();
    const credentials = await client.config.credentials();
    const env = { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const cli = (operation: string, input: Record<string, unknown>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const verb = operation.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
        execFile('aws', ['codepipeline', verb, '--cli-input-json', JSON.stringify(input), '--endpoint-url', `${platform.url}/aws`, '--region', 'us-east-1', '--output', 'json'], { env, timeout: 60_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
    const results = await inBatches(model.operations, 4, async (operation) => {
      // The most complete refused inputs first, those the CLI's own checks let through: every member the model requires,
      // and values within the model's bounds (the CLI refuses the others itself, before any request).
      const candidates = [...cases[operation]!].reverse().filter((candidate) => (required.get(operation) ?? []).every((member) => member in candidate));
      for (const input of candidates) {
        const ran = await cli(operation, input);
        if (/Parameter validation failed/.test(ran.stderr)) continue;
        const thrown = /An error occurred \((\w+)\)/.exec(ran.stderr)?.[1];
        if (ran.code === 0) return { operation };
        // 254 in AWS CLI v2, 255 in v1: a service error the CLI parsed.
        if ((ran.code !== 254 && ran.code !== 255) || !thrown) return { operation, problem: `exit ${ran.code}: ${ran.stderr.trim().slice(0, 300)}` };
        if (!model.errorsOf(operation).has(thrown) && !AWS_COMMON_ERRORS.has(thrown)) return { operation, problem: `${thrown} is not declared` };
        if (/\(5\d\d\)|InternalFailure|ServiceUnavailable/.test(ran.stderr)) return { operation, problem: ran.stderr.trim().slice(0, 300) };
        return { operation };
      }
      return { operation, problem: 'no input the CLI sends' };
    });
    expect(results.filter((result) => result.problem !== undefined)).toEqual([]);
    expect(results).toHaveLength(44);
  });
});

/** Each operation's required members, as the SDK's model declares them (`name: string | undefined;` without `?`). */
function requiredMembers(): Map<string, string[]> {
  const text = readFileSync(join(dirname(require.resolve('@aws-sdk/client-codepipeline/package.json')), 'dist-types/models/models_0.d.ts'), 'utf8');
  return new Map([...text.matchAll(/export interface (\w+)Input \{([\s\S]*?)\n\}/g)].map((match) => [match[1]!, [...match[2]!.matchAll(/^\s{4}(\w+):/gm)].map((m) => m[1]!)]));
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}
