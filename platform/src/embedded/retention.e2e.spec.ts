import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodePipelineClient, GetPipelineExecutionCommand, PipelineExecutionNotFoundException } from '@aws-sdk/client-codepipeline';
import { openLogStore, parseLogStoreLocation, type ArtifactStore } from '@sluice/artifact-store';
import { createPostgresEventStore, type EventStore } from '@sluice/eventing';
import { createExecutionsEngine } from '@sluice/executions';
import { InProcessBus } from '@sluice/messaging';
import { dropTestSchema, eventually, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { gatewayClient, dataOf } from '@sluice/gateway/testing';
import type { GraphQLResponse } from '@sluice/graphql-service/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { runSluice } from '../testing/sluice-process';

// Issue 20, retention of execution history and logs (docs/retention.md, docs/decisions/0056), on the user's path:
// `npm start`'s platform on PostgreSQL, its worker printing a log. Settings through GraphQL and the CLI, changed only by
// an account admin, one account's period not another's. The platform's clock cannot be moved, so the sweep that
// expires runs here, on the same store and log folder, with a clock a year ahead; what the platform then answers —
// GraphQL, /aws through the AWS SDK, the `sluice` CLI as a process — and the audit chain are the platform's own.
jest.setTimeout(180_000);

const folder = mkdtempSync(join(tmpdir(), 'sluice-retention-e2e-'));
const dataDir = join(folder, 'data');
const schema = newTestSchema('retention_e2e');
let platform: PlatformProcess;
let store: EventStore;
let logs: { store: ArtifactStore };
let executionId: string;
/** The admin of a second account (made by the first test). */
let globexToken: string;

type Answer<T> = GraphQLResponse<T>;
/** GraphQL as the holder of `token` (the gateway authenticates the token; the caller headers are not trusted). */
const as =
  (token: string) =>
  <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> =>
    gatewayClient(platform.url, { account: 'default', actor: 'admin', token })<T>(query, variables);
const ok = dataOf;

const sluice = (args: string[], token: string) => runSluice(platform.url, token, folder, args);

const GET = 'query($id: ID!) { getPipelineExecution(pipelineName: "printer", pipelineExecutionId: $id) { status } }';

beforeAll(async () => {
  const repository = initGitRepository(join(folder, 'repo'), { 'README.md': '# retention\n' });
  platform = await startPlatformProcess(dataDir, { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema });
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  logs = await openLogStore(parseLogStoreLocation(join(dataDir, 'logs')) as Parameters<typeof openLogStore>[0]);
  const admin = as(platform.token);
  const declaration = pipelineDefinition({
    name: 'printer',
    stages: [gitSourceStage({ repositoryUrl: `file://${repository}`, runOrder: 1 }), stage('Build', commandsAction('Print', ['echo "built once"', 'echo "tested once"'], { runOrder: 1, inputs: 'SourceOutput' }))],
  });
  ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: declaration }), 'createPipeline');
  executionId = ok(await admin<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "printer") { pipelineExecutionId } }'), 'start').startPipelineExecution.pipelineExecutionId;
  await eventually(
    async () => {
      const status = (await admin<{ getPipelineExecution: { status: string } }>(GET, { id: executionId })).data?.getPipelineExecution.status;
      if (status === 'Failed' || status === 'Stopped') throw new Error(`the execution ended ${status}`);
      return status === 'Succeeded' ? true : undefined;
    },
    'the execution to succeed',
    90_000,
  );
});

afterAll(async () => {
  await platform?.stop();
  await logs?.store.close();
  await store?.close();
  await dropTestSchema(schema);
  rmSync(folder, { recursive: true, force: true });
});

it('is changed by an account admin only; another account’s period and sweep leave this account alone', async () => {
  const admin = as(platform.token);
  expect(ok(await admin('query { getRetentionSettings { retentionDays isDefault } }'), 'get')).toEqual({ getRetentionSettings: { retentionDays: 365, isDefault: true } });

  // A user who may read everything and start the pipeline, but is no admin.
  ok(await admin('mutation { createUser(userName: "rita") { userName } }'), 'createUser');
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sluice:Get*', 'sluice:List*', 'sluice:StartPipelineExecution'], Resource: '*' }] };
  ok(await admin('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "rita", policyName: "reader", document: $d) { name } }', { d: document }), 'attachPolicy');
  const rita = ok(await admin<{ createToken: { token: string } }>('mutation { createToken(principalId: "rita") { token } }'), 'token').createToken.token;
  expect(ok(await as(rita)('query { getRetentionSettings { retentionDays } }'), 'rita reads')).toEqual({ getRetentionSettings: { retentionDays: 365 } });
  for (const mutation of ['mutation { putRetentionSettings(retentionDays: 1) { retentionDays } }', 'mutation { runRetentionSweep { logChunksDeleted } }']) {
    expect((await as(rita)(mutation)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  const cliRefused = await sluice(['put-retention-settings', '--retention-days', '1'], rita);
  expect(cliRefused.code).toBe(5); // denied
  expect(cliRefused.stdout).toBe('');

  // Bad input names its field.
  const bad = await admin('mutation { putRetentionSettings(retentionDays: 0) { retentionDays } }');
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(bad.errors)).toMatch(/retentionDays must be a whole number of days between 1 and 3650/);

  // A second account keeps one day and sweeps: nothing of account default moves.
  const globex = ok(await admin<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "globex", adminUserName: "gadmin") { adminToken { token } } }'), 'createAccount').createAccount.adminToken.token;
  globexToken = globex;
  const cliPut = await sluice(['put-retention-settings', '--retention-days', '1'], globex);
  expect(cliPut.stderr).toBe('');
  expect(JSON.parse(cliPut.stdout)).toMatchObject({ retentionSettings: { retentionDays: 1, isDefault: false, setBy: 'gadmin' } });
  expect(ok(await as(globex)('mutation { runRetentionSweep { expiredExecutions { pipelineExecutionId } } }'), 'globex sweep')).toEqual({ runRetentionSweep: { expiredExecutions: [] } });
  expect(ok(await admin('query { getRetentionSettings { retentionDays isDefault } }'), 'get')).toEqual({ getRetentionSettings: { retentionDays: 365, isDefault: true } });
  expect(ok(await admin('mutation { runRetentionSweep { expiredExecutions { pipelineExecutionId } } }'), 'sweep now')).toEqual({ runRetentionSweep: { expiredExecutions: [] } });
  expect(ok(await admin<{ getPipelineExecution: { status: string } }>(GET, { id: executionId }), 'still there').getPipelineExecution.status).toBe('Succeeded');
});

it('answers an execution older than the period as expired through GraphQL, /aws and the CLI; its chunks are gone and the audit chain verifies', async () => {
  const admin = as(platform.token);
  // The platform has run this one execution: every chunk in its log folder is this execution's.
  const keys: string[] = [];
  for await (const key of logs.store.list()) keys.push(key);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(await logs.store.has(key)).toBe(true);

  // The sweep a year and a day from now, on the platform's store and log folder.
  const yearAhead = new Date(Date.now() + 366 * 86_400_000);
  const sweeper = await createExecutionsEngine({ store, bus: new InProcessBus(), runEngine: false, clock: () => yearAhead, actionLogStore: logs.store, retentionSweepIntervalMs: 0, onError: () => undefined });
  try {
    const report = await sweeper.sweepRetention('default');
    expect(report.expiredExecutions.map((e) => [e.pipelineExecutionId, e.retentionDays])).toEqual([[executionId, 365]]);
    expect(report.logChunksDeleted).toBe(keys.length);
  } finally {
    await sweeper.stop();
  }
  for (const key of keys) expect(await logs.store.has(key)).toBe(false);

  const day = yearAhead.toISOString().slice(0, 10);
  const expiredMessage = `The execution '${executionId}' expired on ${day} under the account's retention of 365 days: its history and logs are no longer kept.`;
  // The platform folds the tombstone from the store: GraphQL says expired, with when and under which period.
  const answer = await eventually(async () => {
    const got = await admin(GET, { id: executionId });
    return got.errors?.[0]?.extensions?.code === 'EXPIRED' ? got : undefined;
  }, 'the platform to answer EXPIRED', 20_000);
  expect(answer.errors![0]).toMatchObject({ message: expiredMessage, extensions: { errorCode: 'EXECUTION_EXPIRED', retentionDays: 365, expiredAt: yearAhead.toISOString() } });
  const page = await admin('query($id: ID!) { actionLogs(pipelineExecutionId: $id) { entries { chunk } } }', { id: executionId });
  expect(page.errors?.[0]).toMatchObject({ message: expiredMessage, extensions: { code: 'EXPIRED' } });
  const listed = ok(await admin<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string }> } }>('query { listPipelineExecutions(pipelineName: "printer") { nodes { pipelineExecutionId } } }'), 'list');
  expect(listed.listPipelineExecutions.nodes).toEqual([]);
  // Another account asking for it learns nothing: not found, as before.
  expect((await as(globexToken)(GET, { id: executionId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

  // /aws through the AWS SDK: CodePipeline's exception for an execution past retention, the message saying why.
  const credentials = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
  const aws = new CodePipelineClient({
    endpoint: `${platform.url}/aws`,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: /^aws_access_key_id = (\S+)$/m.exec(credentials)![1]!, secretAccessKey: /^aws_secret_access_key = (\S+)$/m.exec(credentials)![1]! },
  });
  const refused = await aws.send(new GetPipelineExecutionCommand({ pipelineName: 'printer', pipelineExecutionId: executionId })).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(PipelineExecutionNotFoundException);
  expect((refused as Error).message).toBe(expiredMessage);

  // The CLI as a process: exit code 3, the message on stderr.
  const cli = await sluice(['get-pipeline-execution', '--pipeline-name', 'printer', '--pipeline-execution-id', executionId], platform.token);
  expect(cli.code).toBe(3);
  expect(cli.stderr).toContain(expiredMessage);

  // Retention removed nothing of the audit trail: the keyed chain of every record, the sweep's included, verifies.
  const verified = ok(await admin<{ verifyAuditTrail: { ok: boolean; checked: number } }>('query { verifyAuditTrail { ok checked } }'), 'verifyAuditTrail');
  expect(verified.verifyAuditTrail.ok).toBe(true);
  expect(verified.verifyAuditTrail.checked).toBeGreaterThan(5);
});
