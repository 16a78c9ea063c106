import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, type EventStore } from '@sluice/eventing';
import { gatewayClient, subscribeAndCollect, eventually, type Caller, type CollectedSubscription } from '@sluice/gateway/testing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 20, logs out of the event store (docs/decisions/0049), on the user's path: `npm start`'s platform on the
// real PostgreSQL store, its built-in worker running a Commands action that prints many lines. The text is in the
// log folder (SLUICE_LOGS), the store holds references; paging at the start and at the end, the live subscription,
// and who may read them are as before.
jest.setTimeout(180_000);

const LINES = 20_000;
const lineOf = (n: number) => `build line ${n} of ${LINES}`;
const folder = mkdtempSync(join(tmpdir(), 'sluice-logs-e2e-'));
const schema = newTestSchema('logs_e2e');
let platform: PlatformProcess;
let store: EventStore;
let admin: ReturnType<typeof gatewayClient>;
let adminCaller: Caller;
const open: Array<CollectedSubscription<unknown>> = [];

const ok = <T>(answer: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};

interface Entry {
  cursor: string;
  stageName: string;
  actionName: string;
  chunk: string;
}
interface Page {
  entries: Entry[];
  endCursor: string | null;
  hasNextPage: boolean;
}
const PAGE = `query($id: ID!, $after: String, $first: Int) { actionLogs(pipelineExecutionId: $id, stageName: "Build", actionName: "Print", after: $after, first: $first) {
  entries { cursor stageName actionName chunk } endCursor hasNextPage } }`;
const SUBSCRIPTION = `subscription($id: ID!, $after: String) { actionLogAppended(executionId: $id, stageName: "Build", actionName: "Print", after: $after) { cursor stageName actionName chunk } }`;

beforeAll(async () => {
  const repository = initGitRepository(join(folder, 'repo'), { 'README.md': '# logs\n' });
  platform = await startPlatformProcess(join(folder, 'data'), { SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema });
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  adminCaller = { account: 'default', actor: 'admin', token: platform.token };
  admin = gatewayClient(platform.url, adminCaller);
  const declaration = pipelineDefinition({
    name: 'printer',
    stages: [
      gitSourceStage({ repositoryUrl: `file://${repository}`, runOrder: 1 }),
      stage('Build', commandsAction('Print', [`for i in $(seq 1 ${LINES}); do echo "build line $i of ${LINES}"; done`], { runOrder: 1, inputs: 'SourceOutput' })),
    ],
  });
  ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: declaration }), 'createPipeline');
});

afterAll(async () => {
  await Promise.all(open.map((subscription) => subscription.stop()));
  await platform?.stop();
  await store?.close();
  await dropTestSchema(schema);
  rmSync(folder, { recursive: true, force: true });
});

function subscribe(caller: Caller, variables: Record<string, unknown>): CollectedSubscription<Entry> {
  const subscription = subscribeAndCollect<Entry>(platform.url, caller, SUBSCRIPTION, variables, 'actionLogAppended');
  open.push(subscription);
  return subscription;
}

/** A user of account default with one policy document, and its token. */
async function userWith(userName: string, statement: unknown): Promise<Caller> {
  ok(await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), 'createUser');
  ok(
    await admin('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "only-this", document: $d) { name } }', {
      u: userName,
      d: { Version: '2012-10-17', Statement: [statement] },
    }),
    'attachPolicy',
  );
  const { token } = ok(await admin<{ createToken: { token: string } }>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName }), 'createToken').createToken;
  return { account: 'default', actor: userName, token };
}

const textOf = (entries: Entry[]) => entries.map((entry) => entry.chunk).join('');
const expectedText = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `${lineOf(from + index)}\n`).join('');

it('keeps a Commands action’s output in the log folder, pages it at the start and at the end, streams it live, and shows it only to those who may read it', async () => {
  const executionId = ok(await admin<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "printer") { pipelineExecutionId } }'), 'start')
    .startPipelineExecution.pipelineExecutionId;
  // From the store's start, filtered to this execution: every line, however late this subscribes.
  const live = subscribe(adminCaller, { id: executionId, after: '0' });
  await eventually(async () => {
    const answer = await admin<{ getPipelineExecution: { status: string } }>('query($e: ID!) { getPipelineExecution(pipelineName: "printer", pipelineExecutionId: $e) { status } }', { e: executionId });
    const status = answer.data?.getPipelineExecution.status;
    return status === 'InProgress' || status === undefined ? undefined : status;
  }, 'the execution to end', 150_000).then((status) => expect(status).toBe('Succeeded'));

  // Every page, in order, holds the lines as printed.
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const { actionLogs }: { actionLogs: Page } = ok(await admin<{ actionLogs: Page }>(PAGE, { id: executionId, after, first: 5000 }), 'actionLogs');
    pages.push(actionLogs);
    after = actionLogs.hasNextPage ? actionLogs.endCursor : null;
  } while (after !== null);
  const all = pages.flatMap((page) => page.entries);
  expect(textOf(all)).toBe(expectedText(1, LINES));

  // The first lines, and the last ones from a cursor near the end.
  const head = ok(await admin<{ actionLogs: Page }>(PAGE, { id: executionId, first: 3 }), 'head').actionLogs;
  expect(textOf(head.entries).startsWith(`${lineOf(1)}\n`)).toBe(true);
  expect(head.entries.map((entry) => entry.cursor)).toEqual(all.slice(0, 3).map((entry) => entry.cursor));
  const nearEnd = all.at(-3)!;
  const tail = ok(await admin<{ actionLogs: Page }>(PAGE, { id: executionId, after: nearEnd.cursor, first: 100 }), 'tail').actionLogs;
  expect(tail.entries.map((entry) => entry.cursor)).toEqual(all.slice(-2).map((entry) => entry.cursor));
  expect(textOf(tail.entries).endsWith(`${lineOf(LINES)}\n`)).toBe(true);
  expect(tail.hasNextPage).toBe(false);

  // The store holds facts: references to the log folder's chunks, not a line of the text.
  const events = await store.readStream(`action-logs-${executionId}`) // the execution's log stream (decision 0016);
  expect(events.length).toBeGreaterThanOrEqual(all.length);
  const storedText = JSON.stringify(events.map((event) => [event.data, event.metadata]));
  expect(storedText).not.toContain('build line');
  for (const event of events) expect(Object.keys(event.data as object)).toEqual(expect.arrayContaining(['chunkRef']));
  expect(events.every((event) => (event.data as { chunk?: string }).chunk === undefined)).toBe(true);
  const logFolderFiles = readdirSync(join(folder, 'data', 'logs'), { recursive: true });
  expect(logFolderFiles.length).toBeGreaterThan(0);

  // The live subscription delivered the same entries, in the same order.
  await eventually(() => (live.received.length >= all.length ? true : undefined), 'every line at the subscriber');
  expect(live.received.map((r) => r.value.cursor)).toEqual(all.map((entry) => entry.cursor));
  expect(textOf(live.received.map((r) => r.value))).toBe(expectedText(1, LINES));
  expect(live.errors).toEqual([]);

  // Less than admin: a reader of this pipeline's executions reads them; a user who may only start it does not.
  const reader = await userWith('rita', { Effect: 'Allow', Action: ['sluice:ListActionExecutions', 'sluice:GetPipelineExecution'], Resource: '*' });
  const starter = await userWith('sam', { Effect: 'Allow', Action: 'sluice:StartPipelineExecution', Resource: '*' });
  const read = ok(await admin<{ actionLogs: Page }>(PAGE, { id: executionId, after: nearEnd.cursor }, reader), 'the reader’s page').actionLogs;
  expect(textOf(read.entries)).toBe(textOf(tail.entries));
  const refused = await admin<{ actionLogs: Page }>(PAGE, { id: executionId }, starter);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(refused.data?.actionLogs ?? null).toBeNull();
  const starterLive = subscribe(starter, { id: executionId, after: nearEnd.cursor });
  const readerLive = subscribe(reader, { id: executionId, after: nearEnd.cursor });
  await eventually(() => (readerLive.received.length === 2 ? true : undefined), 'the reader’s subscription');

  // Another account: its admin finds no such execution, and its subscription delivers nothing.
  const created = ok(
    await admin<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "globex", adminUserName: "root") { adminToken { token } } }'),
    'createAccount',
  );
  const stranger: Caller = { account: 'globex', actor: 'root', token: created.createAccount.adminToken.token };
  const elsewhere = await eventually(async () => {
    const answer = await admin<{ actionLogs: Page }>(PAGE, { id: executionId }, stranger);
    return answer.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' ? undefined : answer;
  }, 'the other account’s token to be known');
  expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const strangerLive = subscribe(stranger, { id: executionId, after: '0' });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(strangerLive.received).toEqual([]);
  expect(starterLive.received).toEqual([]);
});
