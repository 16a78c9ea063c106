import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodePipelineClient, GetPipelineCommand, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { startGitHttpServer, type GitHttpServer } from '@sluice/testing';
import { gatewayClient, type Caller, eventually, dataOf } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { approvalStage, gitSourceStage, initGitRepository, pipelineDefinition } from '@sluice/testing/fixtures';

// A Git source whose RepositoryUrl carries a password, through the real gateway of the embedded platform (its own
// worker fetches from a private HTTP git host on 127.0.0.1): nobody reads the password back — not the admin, not a
// read-only user, not in an export, a replay, an execution's configuration or the audit trail — and a definition
// read and sent back as it was shown still runs with it.
jest.setTimeout(240_000);

const CANARY = 's3cr3t-canary';
const PIPELINE = 'private-source';
const dataDir = mkdtempSync(join(tmpdir(), 'sluice-url-credentials-e2e-'));
let platform: PlatformProcess;
let gitHost: GitHttpServer;
let admin: Caller;
let readOnly: Caller;
let repositoryUrl: string;
const executions: string[] = [];

const gql = <T>(as: Caller, query: string, variables: Record<string, unknown> = {}) => gatewayClient(platform.url, as)<T>(query, variables);
const ok = dataOf;

function createPrivateRepository(): string {
  const root = join(dataDir, 'git-host');
  const work = initGitRepository(join(root, 'work'), { README: 'private\n' });
  execFileSync('git', ['clone', '--quiet', '--bare', work, join(root, 'app.git')]);
  return root;
}

const definition = (name: string) => pipelineDefinition({ name, stages: [gitSourceStage({ repositoryUrl, runOrder: 1 }), approvalStage()] });

/** Starts the pipeline and waits for its Source action, which only succeeds with the repository's password. */
async function runSource(): Promise<{ executionId: string; status: string }> {
  const started = ok(await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(admin, 'mutation($n: String!) { startPipelineExecution(name: $n) { pipelineExecutionId } }', { n: PIPELINE }), 'start');
  const executionId = started.startPipelineExecution.pipelineExecutionId;
  executions.push(executionId);
  const status = await eventually(
    async () => {
      const answer = ok(
        await gql<{ listActionExecutions: { nodes: Array<{ actionName: string; status: string }> } }>(
          admin,
          'query($n: String!, $e: ID) { listActionExecutions(pipelineName: $n, pipelineExecutionId: $e) { nodes { actionName status } } }',
          { n: PIPELINE, e: executionId },
        ),
        'listActionExecutions',
      );
      const source = answer.listActionExecutions.nodes.find((node) => node.actionName === 'Checkout');
      return source && source.status !== 'InProgress' ? source.status : undefined;
    },
    `the Source action of ${executionId} to finish`,
    90_000,
  );
  return { executionId, status };
}

/** Every read that shows a definition, a configuration or the audit trail, as `caller` gets them. */
async function everyRead(caller: Caller): Promise<Record<string, unknown>> {
  const at = new Date().toISOString();
  const reads: Record<string, [string, Record<string, unknown>]> = {
    getPipeline: ['query($n: String!) { getPipeline(name: $n) { pipeline metadata { version } } }', { n: PIPELINE }],
    getPipelineVersion1: ['query($n: String!) { getPipeline(name: $n, version: 1) { pipeline } }', { n: PIPELINE }],
    listPipelines: ['query { listPipelines { edges { node { name pipeline } } } }', {}],
    listPipelineVersions: ['query($n: String!) { listPipelineVersions(name: $n) { version pipeline } }', { n: PIPELINE }],
    diffPipelineVersions: ['query($n: String!) { diffPipelineVersions(name: $n, from: 1, to: 2) { changes { path kind before after } } }', { n: PIPELINE }],
    pipelineAsOf: ['query($n: String!, $at: String!) { pipelineAsOf(name: $n, at: $at) { pipeline at } }', { n: PIPELINE, at }],
    exportAwsPipeline: ['query($n: String!) { exportAwsPipeline(name: $n) }', { n: PIPELINE }],
    listActionExecutions: [
      'query($n: String!) { listActionExecutions(pipelineName: $n) { nodes { actionName status input { configuration resolvedConfiguration } output { outputVariables executionResult { externalExecutionSummary errorDetails } } } } }',
      { n: PIPELINE },
    ],
    executionAsOf: [
      'query($e: ID!, $at: String!) { executionAsOf(pipelineExecutionId: $e, at: $at) { pipelineExecution { status statusSummary variables { name value } } actionExecutions { input { configuration resolvedConfiguration } } } }',
      { e: executions[0], at },
    ],
    listPipelineExecutions: ['query($n: String!) { listPipelineExecutions(pipelineName: $n) { nodes { pipelineExecutionId status statusSummary trigger { triggerType triggerDetail } } } }', { n: PIPELINE }],
    lookupAuditEvents: ['query { lookupAuditEvents(first: 200) { edges { node { operation requestParameters } } } }', {}],
  };
  const answers: Record<string, unknown> = {};
  for (const [name, [query, variables]] of Object.entries(reads)) answers[name] = ok(await gql(caller, query, variables), `${name} as ${caller.actor}`);
  return answers;
}

beforeAll(async () => {
  gitHost = await startGitHttpServer({ root: createPrivateRepository(), username: 'user', password: CANARY });
  repositoryUrl = `http://user:${CANARY}@${gitHost.host}/app.git`;
  platform = await startPlatformProcess(dataDir);
  admin = { account: 'default', actor: 'admin', token: platform.token };

  ok(await gql(admin, 'mutation { createUser(userName: "rita") { userName } }'), 'createUser');
  ok(await gql(admin, 'mutation { attachPolicy(targetType: USER, targetName: "rita", managedPolicy: "ReadOnly") { name } }'), 'attachPolicy');
  const token = ok(await gql<{ createToken: { token: string } }>(admin, 'mutation { createToken(principalId: "rita") { token } }'), 'createToken').createToken.token;
  readOnly = { account: 'default', actor: 'rita', token };
  // The permissions service learns the token from the store a moment after it is written.
  await eventually(async () => ((await gql(readOnly, 'query { listPipelines { edges { node { name } } } }')).errors ? undefined : true), 'the read-only token to authenticate');

  const created = ok(await gql<{ createPipeline: { pipeline: unknown } }>(admin, 'mutation($p: JSON!) { createPipeline(pipeline: $p) { pipeline } }', { p: definition(PIPELINE) }), 'createPipeline');
  expect(JSON.stringify(created)).not.toContain(CANARY);
});

afterAll(async () => {
  await platform?.stop();
  await gitHost?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('credentials written into a repository URL', () => {
  it('fetch the private repository, and the definition read and sent back as shown keeps them', async () => {
    expect(await runSource()).toMatchObject({ status: 'Succeeded' });

    type Shown = { version: number; stages: Array<{ actions: Array<{ configuration?: Record<string, string> }> }> };
    const read = ok(await gql<{ getPipeline: { pipeline: Shown } }>(admin, 'query($n: String!) { getPipeline(name: $n) { pipeline } }', { n: PIPELINE }), 'getPipeline');
    const shown = read.getPipeline.pipeline;
    expect(shown.stages[0]!.actions[0]!.configuration?.RepositoryUrl).toBe(`http://***@${gitHost.host}/app.git`);

    // What the dashboard editor and the CLI do: change something else, send the definition back as it was read.
    shown.stages[1]!.actions[0]!.configuration = { CustomData: 'ship it?' };
    const updated = ok(await gql<{ updatePipeline: { metadata: { version: number } } }>(admin, 'mutation($p: JSON!) { updatePipeline(pipeline: $p) { metadata { version } } }', { p: shown }), 'updatePipeline');
    expect(updated.updatePipeline.metadata.version).toBe(2);

    // The git host refuses a fetch without the password: version 2 still has it.
    gitHost.requests.splice(0);
    expect(await runSource()).toMatchObject({ status: 'Succeeded' });
    expect(gitHost.requests.map((request) => request.credentials)).toContain('accepted');
  });

  it.each(['admin', 'read-only user'])('are in no answer the %s reads: definitions, versions, diff, replay, export, executions, audit', async (who) => {
    const answers = await everyRead(who === 'admin' ? admin : readOnly);
    for (const [name, answer] of Object.entries(answers)) expect({ [name]: JSON.stringify(answer) }).toEqual({ [name]: expect.not.stringContaining(CANARY) });

    // The answers are not empty: they show the URL, with `***` for its credentials.
    const redactedUrl = `http://***@${gitHost.host}/app.git`;
    for (const name of ['getPipeline', 'getPipelineVersion1', 'listPipelineVersions', 'pipelineAsOf', 'listActionExecutions', 'executionAsOf', 'lookupAuditEvents']) {
      expect({ [name]: JSON.stringify(answers[name]) }).toEqual({ [name]: expect.stringContaining(redactedUrl) });
    }
    const audit = answers.lookupAuditEvents as { lookupAuditEvents: { edges: Array<{ node: { operation: string } }> } };
    expect(audit.lookupAuditEvents.edges.map(({ node }) => node.operation)).toEqual(expect.arrayContaining(['sluice:CreatePipeline', 'sluice:UpdatePipeline']));
    const exported = answers.exportAwsPipeline as { exportAwsPipeline: { report: { warnings: string[] } } };
    expect(exported.exportAwsPipeline.report.warnings).toContainEqual(expect.stringContaining('credentials in the URL were not exported'));
  });

  it('are in no answer of the AWS-compatible API either', async () => {
    const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
    const cp = new CodePipelineClient({
      endpoint: `${platform.url}/aws`,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! },
    });
    const got = await cp.send(new GetPipelineCommand({ name: PIPELINE }));
    expect(got.pipeline?.stages?.[0]?.actions?.[0]?.configuration?.RepositoryUrl).toBe(`http://***@${gitHost.host}/app.git`);
    const actions = await cp.send(new ListActionExecutionsCommand({ pipelineName: PIPELINE }));
    expect(actions.actionExecutionDetails?.length).toBeGreaterThan(0);
    expect(JSON.stringify({ got, actions })).not.toContain(CANARY);
  });

  it('are in none of the platform\'s own log lines', () => {
    expect(platform.output()).not.toContain(CANARY);
  });
});
