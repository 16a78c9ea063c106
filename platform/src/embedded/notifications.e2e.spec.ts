import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { commandsStage, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';
import { eventually, gatewayClient } from '@sluice/gateway/testing';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// Issue 21: notification rules through the real `sluice` CLI and GraphQL against the running embedded platform. A
// failed execution reaches a signed webhook on loopback and a real SMTP server; a target that answers 500 is retried
// and its failure is in the delivery history; another account and a list-only principal cannot touch the rules.
jest.setTimeout(180_000);

const BIN = join(__dirname, '../../../cli/bin/sluice.mjs');
const work = mkdtempSync(join(tmpdir(), 'sluice-notifications-e2e-'));
const SECRET = 'the-receivers-hmac-secret-0123';
const PUBLIC_URL = 'https://sluice.example.test';
let platform: PlatformProcess;
let gql: ReturnType<typeof gatewayClient>;
const closers: Array<() => Promise<void>> = [];

interface Hit {
  key: string;
  event: string;
  signatureValid: boolean;
  body: { executionId: string; link: string; eventTypeId: string; summary: string };
}
const hits: Hit[] = [];
let brokenHits = 0;
const mails: Array<{ to: string[]; raw: string }> = [];
let hookUrl = '';
let brokenUrl = '';
let smtpPort = 0;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function sluice(args: string[], token = platform.token): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, HOME: work, SLUICE_ENDPOINT_URL: platform.url, SLUICE_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<any> {
  const run = await sluice(args);
  if (run.code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout.trim() === '' ? undefined : JSON.parse(run.stdout);
}

const data = <T>(answer: { data?: T | null; errors?: unknown[] }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};
const errorOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => answer.errors?.[0]?.extensions ?? {};

beforeAll(async () => {
  const hook = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      hits.push({
        key: String(request.headers['x-sluice-delivery']),
        event: String(request.headers['x-sluice-event']),
        signatureValid: request.headers['x-sluice-signature-256'] === `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`,
        body: JSON.parse(raw.toString('utf8')),
      });
      response.writeHead(204).end();
    });
  });
  hookUrl = `${await listen(hook)}/hook`;
  const broken = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      brokenHits += 1;
      response.writeHead(500).end('down for maintenance');
    });
  });
  brokenUrl = `${await listen(broken)}/hook`;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((to) => to.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => smtp.close(() => resolve())));
  smtpPort = (smtp.server.address() as { port: number }).port;

  platform = await startPlatformProcess(join(work, 'data'), {
    SLUICE_PUBLIC_URL: PUBLIC_URL,
    SLUICE_NOTIFICATION_ALLOWED_ADDRESSES: '127.0.0.1',
    SLUICE_SMTP_HOST: '127.0.0.1',
    SLUICE_SMTP_PORT: String(smtpPort),
    SLUICE_SMTP_FROM: 'sluice@example.test',
  });
  gql = gatewayClient(platform.url, { account: 'default', actor: 'admin', token: platform.token });
  const repo = initGitRepository(join(work, 'repo'), { 'hello.txt': 'hello\n' });
  for (const name of ['web', 'other']) {
    const definition = { name, stages: [gitSourceStage({ repositoryUrl: `file://${repo}`, output: 'Src', configuration: { DetectChanges: 'false' } }), commandsStage('Build', ['exit 3'], { action: 'Compile', inputs: 'Src' })] };
    data(await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { pipeline } }', { p: definition }), `createPipeline ${name}`);
  }
}, 150_000);

afterAll(async () => {
  await platform?.stop();
  for (const close of closers.reverse()) await close();
  rmSync(work, { recursive: true, force: true });
});

describe('notification rules on the running platform', () => {
  let executionId: string;

  it('creates rules with the CLI and GraphQL, never answering a secret, and refuses bad input at its path and a taken name', async () => {
    const rule = {
      name: 'failures',
      pipelineName: 'web',
      eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-action-execution-failed'],
      targets: [
        { type: 'Webhook', address: hookUrl, secret: SECRET },
        { type: 'Email', address: 'oncall@example.test' },
      ],
    };
    const file = join(work, 'rule.json');
    writeFileSync(file, JSON.stringify(rule));
    const created = await ok(['create-notification-rule', '--rule', `file://${file}`]);
    expect(created.rule).toMatchObject({ name: 'failures', pipelineName: 'web', status: 'ENABLED', targets: [{ type: 'Webhook', address: hookUrl, secretSet: true }, { type: 'Email', secretSet: false }] });
    data(
      await gql('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', {
        r: { name: 'broken-hook', pipelineName: 'web', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'], targets: [{ type: 'Webhook', address: brokenUrl, secret: SECRET }] },
      }),
      'broken-hook',
    );
    const listed = await ok(['list-notification-rules', '--pipeline-name', 'web']);
    expect(listed.rules.map((r: { name: string }) => r.name)).toEqual(['broken-hook', 'failures']);
    expect(JSON.stringify(listed)).not.toContain(SECRET);

    const bad = await gql('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', { r: { ...rule, name: 'bad', targets: [{ type: 'Webhook', address: hookUrl }] } });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'rule.targets[0].secret' })] });
    expect(errorOf(await gql('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', { r: rule }))).toMatchObject({ code: 'CONFLICT' });

    // The secret is in no answer and no audit record.
    const audit = await gql('query { lookupAuditEvents(filter: { operation: "sluice:CreateNotificationRule" }, first: 10) { edges { node { requestParameters } } } }');
    expect(JSON.stringify(audit.data)).toContain('failures');
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('sends a failed execution to the signed webhook and by mail, with deep links, once per notification', async () => {
    executionId = data(await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "web") { pipelineExecutionId } }'), 'start').startPipelineExecution
      .pipelineExecutionId;
    const mine = () => hits.filter((hit) => hit.body.executionId === executionId);
    await eventually(async () => (mine().length >= 2 && mails.filter((m) => m.raw.includes(executionId)).length >= 2 ? true : undefined), 'the webhook and the mails', 120_000);
    expect(mine().map((hit) => hit.event).sort()).toEqual(['codepipeline-pipeline-action-execution-failed', 'codepipeline-pipeline-pipeline-execution-failed']);
    expect(new Set(mine().map((hit) => hit.key)).size).toBe(2);
    expect(mine().every((hit) => hit.signatureValid)).toBe(true);
    expect(mine()[0]!.body.link).toBe(`${PUBLIC_URL}/pipelines/web/executions/${executionId}`);
    const mail = mails.find((m) => m.raw.includes(`execution ${executionId} failed in stage Build`))!;
    expect(mail.to).toEqual(['oncall@example.test']);
    expect(mail.raw).toContain(`${PUBLIC_URL}/pipelines/web/executions/${executionId}`);

    const history = await eventually(async () => {
      const answer = await ok(['list-notification-deliveries', '--pipeline-name', 'web', '--rule-name', 'failures']);
      const ofMine = answer.deliveries.filter((d: { executionId: string }) => d.executionId === executionId);
      return ofMine.length === 4 && ofMine.every((d: { status: string }) => d.status === 'Succeeded') ? ofMine : undefined;
    }, 'the history settled', 30_000);
    expect(history.map((d: { targetType: string }) => d.targetType).sort()).toEqual(['Email', 'Email', 'Webhook', 'Webhook']);
  });

  it('retries a target that answers 500 with backoff, and shows its failure in the history', async () => {
    const retrying = await eventually(async () => {
      const answer = data(
        await gql<{ notificationDeliveries: Array<{ executionId: string; attempts: number; status: string; lastError: string; nextAttemptAt: string }> }>(
          'query { notificationDeliveries(pipelineName: "web", ruleName: "broken-hook") { executionId attempts status lastError nextAttemptAt } }',
        ),
        'deliveries',
      );
      return answer.notificationDeliveries.find((d) => d.executionId === executionId && d.attempts >= 2 && d.status === 'Retrying');
    }, 'a second attempt', 60_000);
    expect(retrying).toMatchObject({ status: 'Retrying', lastError: expect.stringContaining('answered HTTP 500') });
    expect(Date.parse(retrying.nextAttemptAt)).toBeGreaterThan(Date.now() - 1000);
    expect(brokenHits).toBeGreaterThanOrEqual(2);
  });

  it('updates a rule at the version read: a stale or concurrent update is a conflict, never a lost change; tags list rules', async () => {
    const [before] = (await ok(['list-notification-rules', '--pipeline-name', 'web'])).rules.filter((r: { name: string }) => r.name === 'failures');
    expect(before.version).toBe(1);
    // The CLI: the event types change, the targets (and the webhook's secret) stay.
    const changes = join(work, 'changes.json');
    writeFileSync(changes, JSON.stringify({ eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-pipeline-execution-succeeded'] }));
    const updated = (await ok(['update-notification-rule', '--pipeline-name', 'web', '--name', 'failures', '--version', '1', '--changes', `file://${changes}`])).rule;
    expect(updated).toMatchObject({ version: 2, updatedBy: expect.stringContaining('admin'), eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-pipeline-execution-succeeded'], targets: before.targets });

    // Someone who read version 1 is refused, and nothing of theirs is applied.
    const stale = await sluice(['update-notification-rule', '--pipeline-name', 'web', '--name', 'failures', '--version', '1', '--changes', '{"status":"DISABLED"}']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/version 2, not 1/);
    // Two writers of version 2 at once: exactly one wins.
    const UPDATE = 'mutation($c: JSON!) { updateNotificationRule(pipelineName: "web", name: "failures", version: 2, changes: $c) { version status eventTypeIds } }';
    const both = await Promise.all([gql(UPDATE, { c: { status: 'DISABLED' } }), gql(UPDATE, { c: { eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started'] } })]);
    expect(both.filter((answer) => answer.errors === undefined)).toHaveLength(1);
    expect(both.map((answer) => errorOf(answer).code).filter(Boolean)).toEqual(['CONFLICT']);
    const [, after] = data(await gql<{ notificationRules: Array<{ version: number; status: string; eventTypeIds: string[] }> }>('{ notificationRules(pipelineName: "web") { version status eventTypeIds } }'), 'rules').notificationRules;
    const disabledWon = both[0]!.errors === undefined;
    expect(after).toEqual(
      disabledWon ? { version: 3, status: 'DISABLED', eventTypeIds: updated.eventTypeIds } : { version: 3, status: 'ENABLED', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started'] },
    );

    // Bad input at its path; a new webhook address needs its secret; the secret is in no answer nor audit record.
    const bad = await gql('mutation($c: JSON!) { updateNotificationRule(pipelineName: "web", name: "failures", version: 3, changes: $c) { version } }', {
      c: { targets: [{ type: 'Webhook', address: `${hookUrl}?moved` }], status: 'OFF' },
    });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((errorOf(bad).issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual(['changes.status', 'changes.targets[0].secret']);
    const NEW_SECRET = 'a-fresh-secret-for-the-update-42';
    const restored = data(
      await gql<{ updateNotificationRule: { version: number; status: string } }>('mutation($c: JSON!) { updateNotificationRule(pipelineName: "web", name: "failures", version: 3, changes: $c) { version status } }', {
        c: { status: 'ENABLED', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-action-execution-failed'], targets: [{ type: 'Webhook', address: hookUrl, secret: NEW_SECRET }, { type: 'Email', address: 'oncall@example.test' }] },
      }),
      'restore',
    ).updateNotificationRule;
    expect(restored).toEqual({ version: 4, status: 'ENABLED' });
    const audit = await gql('query { lookupAuditEvents(filter: { operation: "sluice:UpdateNotificationRule" }, first: 10) { edges { node { requestParameters } } } }');
    expect(JSON.stringify(audit.data)).toContain('failures');
    expect(JSON.stringify(audit)).not.toContain(NEW_SECRET);

    // Tags: set with the CLI, listed by key and value, removed.
    const tagged = (await ok(['tag-notification-rule', '--pipeline-name', 'web', '--name', 'failures', '--tags', 'key=team,value=web', 'key=severity,value=page'])).rule;
    expect(tagged).toMatchObject({ version: 5, tags: [{ key: 'team', value: 'web' }, { key: 'severity', value: 'page' }] });
    expect((await ok(['list-notification-rules', '--pipeline-name', 'web', '--tag-key', 'team'])).rules.map((r: { name: string }) => r.name)).toEqual(['failures']);
    expect((await ok(['list-notification-rules', '--pipeline-name', 'web', '--tag-key', 'team', '--tag-value', 'ops'])).rules).toEqual([]);
    const untagged = (await ok(['untag-notification-rule', '--pipeline-name', 'web', '--name', 'failures', '--tag-keys', 'severity'])).rule;
    expect(untagged).toMatchObject({ version: 6, tags: [{ key: 'team', value: 'web' }] });
    expect(errorOf(await gql('mutation { tagNotificationRule(pipelineName: "web", name: "failures", tags: [{ key: "x", value: "y" }], version: 5) { version } }'))).toMatchObject({ code: 'CONFLICT' });
    expect(errorOf(await gql('mutation { tagNotificationRule(pipelineName: "web", name: "failures", tags: [{ key: "aws:x", value: "y" }]) { version } }'))).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'tags[0].key' })] });
    // A rule of another pipeline is not found at this one (the caller was authorized at "other").
    expect(errorOf(await gql('mutation { updateNotificationRule(pipelineName: "other", name: "failures", version: 6, changes: { status: "DISABLED" }) { version } }'))).toMatchObject({ errorCode: 'NOTIFICATION_RULE_NOT_FOUND' });
  });

  it('lets a principal allowed only to list at one pipeline list there, and nothing else', async () => {
    data(await gql('mutation { createUser(userName: "watcher") { userName } }'), 'createUser');
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sluice:ListNotificationRules', 'sluice:ListNotificationDeliveries'], Resource: 'srn:sluice:default:web' }] };
    data(await gql('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "watcher", policyName: "Watch", document: $d) { name } }', { d: document }), 'attachPolicy');
    const token = data(await gql<{ createToken: { token: string } }>('mutation { createToken(principalId: "watcher") { token } }'), 'createToken').createToken.token;
    const watcher = gatewayClient(platform.url, { account: 'default', actor: 'watcher', token });

    expect(data(await watcher<{ notificationRules: Array<{ name: string }> }>('{ notificationRules(pipelineName: "web") { name } }'), 'list').notificationRules.map((r) => r.name)).toEqual(['broken-hook', 'failures']);
    expect((await sluice(['list-notification-deliveries', '--pipeline-name', 'web', '--max-results', '1'], token)).code).toBe(0);
    expect(errorOf(await watcher('{ notificationRules(pipelineName: "other") { name } }'))).toMatchObject({ code: 'FORBIDDEN' });
    const create = await watcher('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', {
      r: { name: 'sneaky', pipelineName: 'web', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started'], targets: [{ type: 'Slack', address: hookUrl }] },
    });
    expect(errorOf(create)).toMatchObject({ code: 'FORBIDDEN' });
    const removed = await sluice(['delete-notification-rule', '--pipeline-name', 'web', '--name', 'failures'], token);
    expect(removed.code).not.toBe(0);
    expect(removed.stderr).toMatch(/AccessDenied|FORBIDDEN|not allowed/i);
    // Nor may it change a rule, or tag one.
    expect(errorOf(await watcher('mutation { updateNotificationRule(pipelineName: "web", name: "failures", version: 1, changes: { status: "DISABLED" }) { version } }'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await watcher('mutation { tagNotificationRule(pipelineName: "web", name: "failures", tags: [{ key: "a", value: "b" }]) { version } }'))).toMatchObject({ code: 'FORBIDDEN' });
    const untag = await sluice(['untag-notification-rule', '--pipeline-name', 'web', '--name', 'failures', '--tag-keys', 'team'], token);
    expect(untag.code).not.toBe(0);
    expect(untag.stderr).toMatch(/AccessDenied|FORBIDDEN|not allowed/i);
    expect((await ok(['list-notification-rules', '--pipeline-name', 'web'])).rules).toHaveLength(2);
  });

  it("keeps one account's rules and history from another", async () => {
    const created = data(await gql<{ createAccount: { adminToken: { token: string } } }>('mutation { createAccount(account: "beta", adminUserName: "boss") { adminToken { token } } }'), 'createAccount');
    const beta = gatewayClient(platform.url, { account: 'beta', actor: 'boss', token: created.createAccount.adminToken.token });
    expect(errorOf(await beta('{ notificationRules(pipelineName: "web") { name } }'))).toMatchObject({ errorCode: 'PIPELINE_NOT_FOUND' });
    expect(errorOf(await beta('{ notificationDeliveries(pipelineName: "web") { idempotencyKey } }'))).toMatchObject({ errorCode: 'PIPELINE_NOT_FOUND' });
    expect(errorOf(await beta('mutation { deleteNotificationRule(pipelineName: "web", name: "failures") }'))).toMatchObject({ errorCode: 'NOTIFICATION_RULE_NOT_FOUND' });
    const create = await beta('mutation($r: JSON!) { createNotificationRule(rule: $r) { name } }', {
      r: { name: 'steal', pipelineName: 'web', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'], targets: [{ type: 'Slack', address: hookUrl }] },
    });
    expect(errorOf(create)).toMatchObject({ errorCode: 'PIPELINE_NOT_FOUND' });
    const version = (await ok(['list-notification-rules', '--pipeline-name', 'web'])).rules.find((r: { name: string }) => r.name === 'failures').version;
    expect(errorOf(await beta(`mutation { updateNotificationRule(pipelineName: "web", name: "failures", version: ${version}, changes: { status: "DISABLED" }) { version } }`))).toMatchObject({
      errorCode: 'NOTIFICATION_RULE_NOT_FOUND',
    });
    expect(errorOf(await beta('mutation { tagNotificationRule(pipelineName: "web", name: "failures", tags: [{ key: "owner", value: "beta" }]) { version } }'))).toMatchObject({ errorCode: 'NOTIFICATION_RULE_NOT_FOUND' });
    expect(errorOf(await beta('{ notificationRules(pipelineName: "web", tagKey: "team") { name } }'))).toMatchObject({ errorCode: 'PIPELINE_NOT_FOUND' });
    const rules = (await ok(['list-notification-rules', '--pipeline-name', 'web'])).rules;
    expect(rules).toHaveLength(2);
    expect(rules.find((r: { name: string }) => r.name === 'failures')).toMatchObject({ version, status: 'ENABLED', tags: [{ key: 'team', value: 'web' }] });
  });

  it('deletes a rule with the CLI; deleting it again is not found', async () => {
    await ok(['delete-notification-rule', '--pipeline-name', 'web', '--name', 'broken-hook']);
    expect((await ok(['list-notification-rules', '--pipeline-name', 'web'])).rules.map((r: { name: string }) => r.name)).toEqual(['failures']);
    const again = await sluice(['delete-notification-rule', '--pipeline-name', 'web', '--name', 'broken-hook']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("The notification rule 'broken-hook' does not exist.");
    expect(readFileSync(join(work, 'rule.json'), 'utf8')).toContain('failures');
  });
});
