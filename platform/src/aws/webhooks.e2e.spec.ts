import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodePipelineClient,
  CreatePipelineCommand,
  DeleteWebhookCommand,
  GetPipelineExecutionCommand,
  InvalidWebhookAuthenticationParametersException,
  InvalidWebhookFilterPatternException,
  ListPipelineExecutionsCommand,
  ListWebhooksCommand,
  PipelineNotFoundException,
  PutWebhookCommand,
  RegisterWebhookWithThirdPartyCommand,
  DeregisterWebhookWithThirdPartyCommand,
  TooManyTagsException,
  WebhookNotFoundException,
  type PipelineDeclaration,
  type WebhookDefinition,
} from '@aws-sdk/client-codepipeline';
import { commandsStage, git, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';
import { eventually, gatewayClient } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 19: webhooks as an account's resources, through the AWS SDK against the running embedded platform. A push
// signed with the webhook's secret and posted to the URL PutWebhook answered starts the target pipeline.
jest.setTimeout(180_000);

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-webhooks-e2e-'));
const SECRET = 'the-webhook-secret-0123456789';
let platform: PlatformProcess;
let repository: string;
let admin: CodePipelineClient;
let gql: ReturnType<typeof gatewayClient>;

type Keys = { accessKeyId: string; secretAccessKey: string };
const client = (keys: Keys) => new CodePipelineClient({ endpoint: `${platform.url}/aws`, region: 'us-east-1', maxAttempts: 1, credentials: keys });

/** Source/Git (left to webhooks: the poller does not watch it) then a build that prints the README. */
const webPipeline = (name: string): PipelineDeclaration =>
  ({
    name,
    roleArn: 'arn:aws:iam::123456789012:role/unused-by-sluice',
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    stages: [
      gitSourceStage({ repositoryUrl: `file://${repository}`, runOrder: 1, configuration: { PollForSourceChanges: 'false' } }),
      commandsStage('Build', 'cat README', { runOrder: 1, inputs: 'SourceOutput' }),
    ],
  }) as unknown as PipelineDeclaration;

const onPush = (changes: Partial<WebhookDefinition> = {}): WebhookDefinition => ({
  name: 'on-push',
  targetPipeline: 'web',
  targetAction: 'Checkout',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: SECRET },
  ...changes,
});

/** A GitHub push delivery, signed with `secret` as GitHub signs it (X-Hub-Signature-256 over the raw body). */
async function postPush(url: string, body: Record<string, unknown>, secret = SECRET): Promise<{ status: number; body: { message: string; started?: Array<{ pipelineExecutionId: string }> } }> {
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': signature },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as never };
}

const pushOf = (ref: string, after: string) => ({ ref, after, repository: { clone_url: `file://${repository}`, name: 'web' } });

async function executionsOf(cp: CodePipelineClient, name: string): Promise<number> {
  return (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries?.length ?? 0;
}

async function accessKeyOf(principalId: string | undefined, as = gql): Promise<Keys> {
  const answer = await as<{ createAccessKey: Keys }>('mutation($p: String) { createAccessKey(principalId: $p) { accessKeyId secretAccessKey } }', principalId ? { p: principalId } : {});
  if (answer.errors?.length || !answer.data) throw new Error(`createAccessKey: ${JSON.stringify(answer.errors)}`);
  return answer.data.createAccessKey;
}

beforeAll(async () => {
  repository = initGitRepository(join(dataDir, 'repo'), { README: 'shipped by a webhook\n' });
  platform = await startPlatformProcess(dataDir);
  const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  admin = client({ accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! });
  gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
  await admin.send(new CreatePipelineCommand({ pipeline: webPipeline('web') }));
});

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('webhooks with the AWS SDK', () => {
  let url: string;

  it('puts a webhook, answers its URL on the gateway and never its secret, and lists it', async () => {
    const put = await admin.send(new PutWebhookCommand({ webhook: onPush(), tags: [{ key: 'team', value: 'web' }] }));
    url = put.webhook!.url!;
    expect(url).toMatch(new RegExp(`^${platform.url}/webhooks/aws/[0-9a-f]{40}$`));
    expect(put.webhook).toMatchObject({ definition: { ...onPush(), authenticationConfiguration: {} }, arn: 'srn:sluice:default:webhook/on-push', tags: [{ key: 'team', value: 'web' }] });

    const listed = await admin.send(new ListWebhooksCommand({}));
    expect(listed.webhooks).toEqual([expect.objectContaining({ url, definition: expect.objectContaining({ name: 'on-push', targetPipeline: 'web' }) })]);
    expect(JSON.stringify(listed)).not.toContain(SECRET);

    // Put again by name: replaced, same URL.
    const replaced = await admin.send(new PutWebhookCommand({ webhook: onPush({ filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{BranchName}' }] }) }));
    expect(replaced.webhook?.url).toBe(url);

    // Audited, with the secret token redacted.
    const audit = await gql<{ lookupAuditEvents: { edges: Array<{ node: { requestParameters: unknown } }> } }>(
      'query { lookupAuditEvents(filter: { operation: "sluice:PutWebhook" }, first: 10) { edges { node { requestParameters } } } }',
    );
    expect(audit.data?.lookupAuditEvents.edges.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.data)).not.toContain(SECRET);
  });

  it('starts the target pipeline on a signed push that matches the filters, at the pushed commit', async () => {
    const head = git(repository, 'rev-parse', 'HEAD');
    const answer = await postPush(url, pushOf('refs/heads/main', head));
    expect(answer.status).toBe(200);
    const pipelineExecutionId = answer.body.started![0]!.pipelineExecutionId;
    const { pipelineExecution } = await admin.send(new GetPipelineExecutionCommand({ pipelineName: 'web', pipelineExecutionId }));
    expect(pipelineExecution).toMatchObject({ trigger: { triggerType: 'Webhook', triggerDetail: 'webhook:on-push' } });
    const succeeded = await eventually(async () => {
      const { pipelineExecution: now } = await admin.send(new GetPipelineExecutionCommand({ pipelineName: 'web', pipelineExecutionId }));
      return now?.status === 'Succeeded' || now?.status === 'Failed' ? now : undefined;
    }, 'the execution to end', 90_000);
    expect(succeeded).toMatchObject({ status: 'Succeeded', artifactRevisions: [expect.objectContaining({ revisionId: head })] });
  });

  it('refuses a wrong signature, a push the filters do not match and a sender outside an IP range, and starts nothing', async () => {
    const before = await executionsOf(admin, 'web');
    const head = git(repository, 'rev-parse', 'HEAD');
    expect(await postPush(url, pushOf('refs/heads/main', head), 'not-the-secret')).toMatchObject({ status: 401, body: { message: expect.stringContaining('X-Hub-Signature-256') } });
    expect(await postPush(url, pushOf('refs/heads/feature', head))).toMatchObject({ status: 422, body: { message: expect.stringContaining("$.ref is 'refs/heads/feature', not 'refs/heads/main'") } });

    const ip = await admin.send(new PutWebhookCommand({ webhook: onPush({ name: 'from-the-office', authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '10.0.0.0/8' } }) }));
    expect(await postPush(ip.webhook!.url!, pushOf('refs/heads/main', head))).toMatchObject({ status: 403, body: { message: expect.stringContaining('outside') } });
    expect(await executionsOf(admin, 'web')).toBe(before);
  });

  it('answers CodePipeline exceptions for bad definitions, and pages the listing', async () => {
    await expect(admin.send(new PutWebhookCommand({ webhook: onPush({ filters: [{ jsonPath: '$.commits[*].id', matchEquals: 'x' }] }) }))).rejects.toBeInstanceOf(InvalidWebhookFilterPatternException);
    await expect(admin.send(new PutWebhookCommand({ webhook: onPush({ filters: [{ jsonPath: '$.ref', matchEquals: '{NoSuchProperty}' }] }) }))).rejects.toBeInstanceOf(InvalidWebhookFilterPatternException);
    await expect(admin.send(new PutWebhookCommand({ webhook: onPush({ authenticationConfiguration: {} }) }))).rejects.toBeInstanceOf(InvalidWebhookAuthenticationParametersException);
    await expect(admin.send(new PutWebhookCommand({ webhook: onPush({ targetPipeline: 'nope' }) }))).rejects.toBeInstanceOf(PipelineNotFoundException);
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await expect(admin.send(new PutWebhookCommand({ webhook: onPush(), tags }))).rejects.toBeInstanceOf(TooManyTagsException);
    await expect(admin.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'nope' }))).rejects.toBeInstanceOf(WebhookNotFoundException);

    // Registration is recorded (Sluice calls no Git host), and the GraphQL listing shows it.
    await admin.send(new RegisterWebhookWithThirdPartyCommand({ webhookName: 'on-push' }));
    const registered = async () =>
      (await gql<{ webhooks: { nodes: Array<{ name: string; registeredWithThirdParty: boolean }> } }>('{ webhooks { nodes { name registeredWithThirdParty } } }')).data!.webhooks.nodes;
    expect(await registered()).toContainEqual({ name: 'on-push', registeredWithThirdParty: true });
    await admin.send(new DeregisterWebhookWithThirdPartyCommand({ webhookName: 'on-push' }));
    expect(await registered()).toContainEqual({ name: 'on-push', registeredWithThirdParty: false });

    const first = await admin.send(new ListWebhooksCommand({ MaxResults: 1 }));
    expect(first.webhooks?.map((w) => w.definition?.name)).toEqual(['from-the-office']);
    const second = await admin.send(new ListWebhooksCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect(second.webhooks?.map((w) => w.definition?.name)).toEqual(['on-push']);
    expect(second.NextToken).toBeUndefined();
  });

  it("keeps one account's webhooks from another: it cannot list, delete or fire them", async () => {
    const created = await gql<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "beta", adminUserName: "boss") { adminToken { token } } }');
    expect(created.errors).toBeUndefined();
    const asBeta = gatewayClient(platform.url, { account: 'beta', actor: 'boss', token: created.data!.createAccount.adminToken.token });
    const beta = client(await accessKeyOf(undefined, asBeta));

    expect((await beta.send(new ListWebhooksCommand({}))).webhooks).toEqual([]);
    await expect(beta.send(new PutWebhookCommand({ webhook: onPush() }))).rejects.toBeInstanceOf(PipelineNotFoundException);
    // Its DeleteWebhook of the name succeeds (as AWS's on a missing webhook) and deletes nothing of default's.
    await beta.send(new DeleteWebhookCommand({ name: 'on-push' }));
    expect((await admin.send(new ListWebhooksCommand({}))).webhooks?.map((w) => w.definition?.name)).toContain('on-push');

    // Its own webhook of the same name has its own URL and secret; its secret does not open default's URL.
    await beta.send(new CreatePipelineCommand({ pipeline: webPipeline('web') }));
    const own = await beta.send(new PutWebhookCommand({ webhook: onPush({ authenticationConfiguration: { SecretToken: 'beta-secret-0123456789' } }) }));
    expect(own.webhook?.url).not.toBe(url);
    const before = await executionsOf(admin, 'web');
    expect((await postPush(url, pushOf('refs/heads/main', git(repository, 'rev-parse', 'HEAD')), 'beta-secret-0123456789')).status).toBe(401);
    expect(await executionsOf(admin, 'web')).toBe(before);
  });

  it('lets a principal allowed only sluice:ListWebhooks list, and neither put nor delete', async () => {
    const attach = 'mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "hooks-reader", policyName: "ListHooks", document: $d) { name } }';
    expect((await gql('mutation { createUser(userName: "hooks-reader") { userName } }')).errors).toBeUndefined();
    expect((await gql(attach, { d: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:ListWebhooks', Resource: 'srn:sluice:default:' }] } })).errors).toBeUndefined();
    const reader = client(await accessKeyOf('hooks-reader'));

    expect((await reader.send(new ListWebhooksCommand({}))).webhooks?.map((w) => w.definition?.name)).toEqual(['from-the-office', 'on-push']);
    await expect(reader.send(new PutWebhookCommand({ webhook: onPush({ name: 'sneaky' }) }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(reader.send(new DeleteWebhookCommand({ name: 'on-push' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await admin.send(new ListWebhooksCommand({}))).webhooks?.map((w) => w.definition?.name)).toEqual(['from-the-office', 'on-push']);
  });

  it('deletes a webhook: its URL then answers 404, and deleting it again succeeds', async () => {
    await admin.send(new DeleteWebhookCommand({ name: 'on-push' }));
    const answer = await postPush(url, pushOf('refs/heads/main', git(repository, 'rev-parse', 'HEAD')));
    expect(answer.status).toBe(404);
    await admin.send(new DeleteWebhookCommand({ name: 'on-push' }));
    expect((await admin.send(new ListWebhooksCommand({}))).webhooks?.map((w) => w.definition?.name)).toEqual(['from-the-office']);
    // Put again, it gets a new URL: the deleted one stays dead.
    const again = await admin.send(new PutWebhookCommand({ webhook: onPush() }));
    expect(again.webhook?.url).not.toBe(url);
  });
});

const AWS_CLI = process.env.SLUICE_AWS_CLI ?? '/usr/bin/aws';
const describeCli = process.env.SLUICE_TEST_AWSCLI === 'skip' ? describe.skip : describe;

describeCli('webhooks with the real AWS CLI, as docs/aws-compatibility.md shows them', () => {
  const aws = async (...args: string[]) => {
    if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: run scripts/ensure-awscli.sh (or set SLUICE_TEST_AWSCLI=skip to skip these tests)`);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'admin-credentials'), AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'), AWS_PAGER: '' };
    const { stdout } = await promisify(execFile)(AWS_CLI, ['codepipeline', ...args, '--endpoint-url', `${platform.url}/aws`, '--region', 'us-east-1', '--output', 'json'], { env, timeout: 60_000 });
    return JSON.parse(stdout || '{}') as Record<string, any>;
  };

  it('puts a webhook with put-webhook, lists it with list-webhooks, and a signed push to its URL is answered with the execution of that push', async () => {
    const put = await aws(
      'put-webhook',
      '--webhook',
      JSON.stringify({ ...onPush({ name: 'from-the-cli' }), authenticationConfiguration: { SecretToken: 'a-long-random-secret' } }),
    );
    expect(put.webhook.url).toMatch(/\/webhooks\/aws\/[0-9a-f]{40}$/);
    const listed = await aws('list-webhooks');
    expect(listed.webhooks.map((w: { definition: { name: string } }) => w.definition.name)).toContain('from-the-cli');
    const answer = await postPush(put.webhook.url, pushOf('refs/heads/main', git(repository, 'rev-parse', 'HEAD')), 'a-long-random-secret');
    expect(answer).toMatchObject({ status: 200, body: { started: [expect.objectContaining({ pipelineExecutionId: expect.any(String) })] } });
    await aws('delete-webhook', '--name', 'from-the-cli');
  });
});
