import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandsStage, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// examples/custom-worker/worker.mjs, a plain Node program on the public job-worker API, runs the Test/Custom/HttpCheck
// action inside real pipelines of the embedded platform: its output variables reach the next action, its failure the run,
// and its output artifact, uploaded with its own token through the gateway (decision 0038), the next action's files.
const WORKER = join(__dirname, '../../../examples/custom-worker/worker.mjs');

type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };
type ActionExecution = {
  stageName: string;
  actionName: string;
  status: string;
  output: { outputVariables: Record<string, string>; executionResult: { externalExecutionSummary: string | null; errorDetails: string | null } } | null;
};

const HTTP_CHECK = {
  category: 'Test',
  provider: 'HttpCheck',
  version: '1',
  configurationProperties: [
    { name: 'Url', required: true, key: true, secret: false, type: 'String', description: 'The URL to GET.' },
    { name: 'ExpectedStatus', required: false, key: false, secret: false, type: 'Number', description: 'The status that passes (200).' },
    { name: 'TimeoutSeconds', required: false, key: false, secret: false, type: 'Number', description: 'How long to wait for the answer (30).' },
  ],
  inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
};

function pipeline(name: string, repositoryUrl: string, checkUrl: string) {
  return {
    name,
    stages: [
      gitSourceStage({ repositoryUrl, output: 'src', configuration: { DetectChanges: 'false' } }),
      {
        name: 'Check',
        actions: [
          {
            name: 'Ping',
            namespace: 'Check',
            actionTypeId: { category: 'Test', owner: 'Custom', provider: 'HttpCheck', version: '1' },
            configuration: { Url: checkUrl },
            outputArtifacts: [{ name: 'response' }],
          },
        ],
      },
      commandsStage('Report', ['export SEEN="status #{Check.StatusCode} after #{Check.ResponseTimeMs} ms: $(cat response.body)"'], {
        action: 'Record',
        namespace: 'Report',
        outputVariables: ['SEEN'],
        inputs: 'response',
      }),
    ],
  };
}

describe('examples/custom-worker: a custom action worker outside Sluice', () => {
  let root: string;
  let platform: PlatformProcess;
  let target: Server;
  let targetUrl: string;
  let worker: ChildProcess | undefined;
  let workerOutput = '';
  let workerExit: Promise<number | null>;
  let workerToken: string;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> => {
    const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as Answer<T>;
  };

  async function run(name: string): Promise<{ status: string; actions: ActionExecution[] }> {
    const started = await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }', { name });
    expect(started.errors).toBeUndefined();
    const id = started.data!.startPipelineExecution.pipelineExecutionId;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const execution = await gql<{ getPipelineExecution: { status: string } }>('query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status } }', { name, id });
      const status = execution.data?.getPipelineExecution.status;
      if (status !== undefined && status !== 'InProgress') {
        const listed = await gql<{ listActionExecutions: { nodes: ActionExecution[] } }>(
          `query($name: String!, $id: ID!) { listActionExecutions(pipelineName: $name, pipelineExecutionId: $id) { nodes { stageName actionName status
            output { outputVariables executionResult { externalExecutionSummary errorDetails } } } } }`,
          { name, id },
        );
        expect(listed.errors).toBeUndefined();
        return { status, actions: listed.data!.listActionExecutions.nodes };
      }
      if (Date.now() > deadline) throw new Error(`execution ${id} of ${name} still ${status} after 60 s; worker said:\n${workerOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-custom-worker-')));
    const repo = initGitRepository(join(root, 'repo'), { 'README.md': 'checked by HttpCheck\n' });
    // The service the action checks: /ok answers 200 slowly enough for heartbeats, /broken 503.
    target = createServer((req, res) => {
      if (req.url === '/ok') setTimeout(() => res.writeHead(200).end('ok'), 700);
      else res.writeHead(503).end('down');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

    platform = await startPlatformProcess(join(root, 'data'), { SLUICE_POLL_INTERVAL_MS: '3600000' });
    const created = await gql('mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }', { input: HTTP_CHECK });
    expect(created.errors).toBeUndefined();
    for (const [name, path] of [['http-check-ok', '/ok'], ['http-check-broken', '/broken']] as const) {
      const made = await gql('mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }', { pipeline: pipeline(name, pathToFileURL(repo).href, `${targetUrl}${path}`) });
      expect(made.errors).toBeUndefined();
    }

    // The README's step 3: a user allowed only the job-worker actions on this action type, and its token.
    const JOB_ACTIONS = ['sluice:PollForJobs', 'sluice:AcknowledgeJob', 'sluice:GetJobDetails', 'sluice:PutJobSuccessResult', 'sluice:PutJobFailureResult'];
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: JOB_ACTIONS, Resource: 'srn:sluice:default:actiontype/Custom/Test/HttpCheck/1' }] };
    for (const [query, variables] of [
      ['mutation { createUser(userName: "http-check-worker") { userName } }', {}],
      ['mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "http-check-worker", policyName: "job-worker", document: $d) { name } }', { d: policy }],
    ] as const) expect((await gql(query, variables)).errors).toBeUndefined();
    workerToken = (await gql<{ createToken: { token: string } }>('mutation { createToken(principalId: "http-check-worker", description: "HttpCheck worker") { token } }')).data!.createToken.token;

    // The example exactly as a user runs it: plain node, configured by the environment only, with its own token.
    worker = spawn(process.execPath, [WORKER], { env: { PATH: process.env.PATH, SLUICE_URL: platform.url, SLUICE_TOKEN: workerToken, SLUICE_HEARTBEAT_MS: '200' }, stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stdout!.on('data', (chunk: Buffer) => void (workerOutput += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => void (workerOutput += chunk.toString()));
    workerExit = new Promise((resolve) => worker!.once('exit', (code) => resolve(code)));
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await platform?.stop();
    await new Promise((resolve) => target?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the custom action to Succeeded; its output variables and its uploaded output artifact flow into the next action', async () => {
    const { status, actions } = await run('http-check-ok');
    expect(status).toBe('Succeeded');
    const ping = actions.find((a) => a.actionName === 'Ping')!;
    expect(ping.output!.outputVariables).toEqual({ StatusCode: '200', ResponseTimeMs: expect.stringMatching(/^\d+$/) });
    expect(ping.output!.executionResult.externalExecutionSummary).toMatch(new RegExp(`^GET ${targetUrl}/ok answered 200 in \\d+ ms$`));
    const record = actions.find((a) => a.actionName === 'Record')!;
    expect(record.status).toBe('Succeeded');
    // The body the worker uploaded as `response`, unpacked by the built-in worker for Record.
    expect(record.output!.outputVariables).toEqual({ SEEN: `status 200 after ${ping.output!.outputVariables.ResponseTimeMs} ms: ok` });
    // The check takes 700 ms and the worker heart-beats every 200 ms while it works.
    expect(workerOutput).toMatch(/heartbeat, lease until \d{4}-/);
  }, 90_000);

  it('fails the run with the worker\'s reason when the check does not pass', async () => {
    const { status, actions } = await run('http-check-broken');
    expect(status).toBe('Failed');
    const ping = actions.find((a) => a.actionName === 'Ping')!;
    expect(ping.status).toBe('Failed');
    expect(ping.output!.executionResult.errorDetails).toContain(`GET ${targetUrl}/broken answered 503, expected 200`);
    expect(actions.find((a) => a.actionName === 'Record')).toBeUndefined();
  }, 90_000);

  it("gives the worker's token this action type's jobs only: not a built-in type's, not the pipelines", async () => {
    const asWorker = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${workerToken}` }, body: JSON.stringify({ query, variables }) });
      return ((await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.map((error) => error.extensions?.code) ?? [];
    };
    const poll = 'mutation($t: ActionTypeIdInput!) { pollForJobs(actionTypeId: $t, waitMs: 0) { id } }';
    expect(await asWorker(poll, { t: { category: 'Test', owner: 'Custom', provider: 'HttpCheck', version: '1' } })).toEqual([]);
    expect(await asWorker(poll, { t: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' } })).toEqual(['FORBIDDEN']);
    expect(await asWorker('query { getPipeline(name: "http-check-ok") { name } }')).toEqual(['FORBIDDEN']);
    // Its uploads go into its own account only.
    const elsewhere = await fetch(`${platform.url}/artifacts/globex`, { method: 'PUT', headers: { authorization: `Bearer ${workerToken}`, 'x-sluice-job-id': 'f'.repeat(32) }, body: 'x' });
    expect([elsewhere.status, ((await elsewhere.json()) as { field?: string }).field]).toEqual([403, 'path.account']);
  }, 30_000);

  it('stops cleanly on SIGTERM', async () => {
    const asked = Date.now();
    worker!.kill('SIGTERM');
    expect(await workerExit).toBe(0);
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(workerOutput).toContain('[http-check] stopped');
  }, 30_000);
});
