import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PipelineTriggerDeclaration } from '@sluice/domain';
import type { TriggerablePipeline } from '../pipeline-catalog';
import type { StartExecutionPort, TriggerCaller, TriggeredStartInput } from '../start-execution-port';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import { InMemoryDeliveryLog } from './delivery-log';
import { InMemoryRejectionLog } from './rejection-log';
import { sourceRevisionToken } from '../planning/source-revision-token';
import { createWebhookHandler } from './webhook-handler';
import type { WebhookRequest } from './webhook-request';
import { triggerablePipeline } from '../testing';

const SECRET = 'It5-a-secret';
const NOW = new Date('2025-06-01T12:00:00Z');

const pipeline = (name: string, account: string, url: string, triggers?: PipelineTriggerDeclaration[]): TriggerablePipeline => triggerablePipeline(name, url, { account, triggers });

function setup(options: { maxBodyBytes?: number; failFor?: string } = {}) {
  const starts: Array<{ caller: TriggerCaller; input: TriggeredStartInput }> = [];
  const startCalledAt: number[] = [];
  const audit = new InMemoryTriggerAuditLog();
  const start: StartExecutionPort = async (caller, input) => {
    startCalledAt.push(performance.now());
    // The attempt is in the trail before the start happens.
    if (!audit.entries.some((entry) => entry.kind === 'attempt' && entry.start.pipelineName === input.name && entry.start.clientRequestToken === input.clientRequestToken)) throw new Error('started unaudited');
    if (input.name === options.failFor) throw new Error('event store unavailable');
    starts.push({ caller, input });
    return { pipelineExecutionId: `exec-${starts.length}` };
  };
  const pipelines = [
    pipeline('app', 'acme', 'git@github.com:acme/app.git'),
    pipeline('docs-only', 'acme', 'https://github.com/acme/app', [
      { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Checkout', push: [{ branches: { includes: ['main'] }, filePaths: { includes: ['docs/**'] } }] } },
    ]),
    pipeline('other-account', 'globex', 'https://github.com/acme/app.git'),
    pipeline('other-repo', 'acme', 'https://github.com/acme/other.git'),
  ];
  const rejections = new InMemoryRejectionLog();
  const handler = createWebhookHandler({
    secrets: { lookup: async (id) => (id === 'hook-1' ? { account: 'acme', secret: SECRET } : undefined) },
    pipelines: { listPipelines: async () => pipelines },
    start,
    audit,
    deliveries: new InMemoryDeliveryLog(),
    rejections,
    now: () => NOW,
    maxBodyBytes: options.maxBodyBytes,
  });
  return { handler, starts, rejections, startCalledAt, audit };
}

const githubPush = {
  ref: 'refs/heads/main',
  after: '9f1c2e3d4b5a69788766554433221100aabbccdd',
  deleted: false,
  repository: { clone_url: 'https://github.com/acme/app.git', ssh_url: 'git@github.com:acme/app.git' },
  commits: [{ added: ['src/a.ts'], modified: ['README.md'], removed: [] }],
};

function github(payload: unknown, options: { event?: string; delivery?: string; secret?: string; signature?: string } = {}): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signature = options.signature ?? `sha256=${createHmac('sha256', options.secret ?? SECRET).update(rawBody).digest('hex')}`;
  return {
    path: '/webhooks/github/hook-1',
    rawBody,
    headers: { 'x-github-event': options.event ?? 'push', 'x-github-delivery': options.delivery ?? 'd-1', 'x-hub-signature-256': signature, 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/abc' },
    sourceIp: '192.0.2.10',
  };
}

describe('webhook handler: GitHub', () => {
  it('starts the matching pipelines of the webhook account with the pushed commit, and measures handle → start', async () => {
    const { handler, starts, startCalledAt } = setup();
    const request = github(githubPush);
    const began = performance.now();
    const response = await handler.handle(request);
    const elapsed = startCalledAt[0] - began;
    console.log(`webhook handle() → start() took ${elapsed.toFixed(2)} ms`);
    expect(elapsed).toBeLessThan(200);
    expect(response.status).toBe(200);
    expect(starts).toEqual([
      {
        caller: { account: 'acme', actor: 'webhook/hook-1' },
        input: {
          name: 'app',
          sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: githubPush.after }],
          clientRequestToken: sourceRevisionToken({ kind: 'push', repositoryUrls: [], ref: githubPush.ref, commitId: githubPush.after }, [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: githubPush.after }]),
          trigger: { triggerType: 'Webhook', triggerDetail: 'github:d-1' },
        },
      },
    ]);
  });

  it('records each start as the webhook before it happens: the pipeline, the commit and the delivery\'s address', async () => {
    const { handler, audit } = setup();
    expect((await handler.handle(github(githubPush))).status).toBe(200);
    const [attempt, outcome] = audit.entries;
    expect(attempt).toEqual({
      id: 'attempt-1',
      kind: 'attempt',
      start: {
        trigger: { kind: 'webhook', webhookId: 'hook-1', provider: 'github', deliveryId: 'd-1' },
        account: 'acme',
        pipelineName: 'app',
        sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: githubPush.after }],
        triggerDetail: 'github:d-1',
        clientRequestToken: expect.any(String),
        sourceIp: '192.0.2.10',
        userAgent: 'GitHub-Hookshot/abc',
      },
    });
    expect(outcome).toMatchObject({ kind: 'outcome', attemptId: 'attempt-1', outcome: { status: 'succeeded', pipelineExecutionId: 'exec-1' } });
  });

  it('starts nothing when the audit trail cannot be written: 500, and the redelivery tries again', async () => {
    const { handler, starts, audit } = setup();
    audit.failWith = new Error('the audit trail is unavailable');
    const refused = await handler.handle(github(githubPush));
    expect(refused).toEqual({ status: 500, body: { message: '1 of 1 starts failed', started: [], failed: [{ pipelineName: 'app', error: 'the audit trail is unavailable' }] } });
    expect(starts).toEqual([]);
    audit.failWith = undefined;
    expect((await handler.handle(github(githubPush))).status).toBe(200);
    expect(starts.map((s) => s.input.name)).toEqual(['app']);
  });

  it('applies file path filters to the files of the pushed commits', async () => {
    const { handler, starts } = setup();
    await handler.handle(github({ ...githubPush, commits: [{ added: [], modified: ['docs/guide.md'], removed: [] }] }));
    expect(starts.map((s) => s.input.name).sort()).toEqual(['app', 'docs-only']);
  });

  it('sends one token for one push, whatever the delivery: the engine starts it once (decision 0018)', async () => {
    const { handler, starts } = setup();
    await handler.handle(github(githubPush, { delivery: 'd-1' }));
    await handler.handle(github(githubPush, { delivery: 'd-2' }));
    await handler.handle(github({ ...githubPush, after: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, { delivery: 'd-3' }));
    const tokens = starts.filter((s) => s.input.name === 'app').map((s) => s.input.clientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('starts nothing twice for a repeated delivery id', async () => {
    const { handler, starts } = setup();
    expect((await handler.handle(github(githubPush))).status).toBe(200);
    const again = await handler.handle(github(githubPush));
    expect(again).toEqual({ status: 200, body: { message: 'delivery d-1 already processed' } });
    expect(starts).toHaveLength(1);
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }],
    ['a missing signature', { signature: '' }],
    ['a truncated signature', { signature: 'sha256=abcd' }],
    ['another algorithm', { signature: `sha1=${createHmac('sha1', SECRET).update('x').digest('hex')}` }],
  ])('refuses %s with 401 and records it', async (_name, options) => {
    const { handler, starts, rejections } = setup();
    const response = await handler.handle(github(githubPush, options));
    expect(response.status).toBe(401);
    expect(starts).toEqual([]);
    expect(rejections.rejections).toEqual([expect.objectContaining({ status: 401, webhookId: 'hook-1', path: '/webhooks/github/hook-1', at: NOW.toISOString() })]);
  });

  it('refuses a body signed correctly but for a tampered payload', async () => {
    const { handler } = setup();
    const request = github(githubPush);
    const tampered = { ...request, rawBody: Buffer.from(request.rawBody.toString().replace('main', 'prod')) };
    expect((await handler.handle(tampered)).status).toBe(401);
  });

  it('refuses an unknown webhook id like a bad signature', async () => {
    const { handler } = setup();
    expect((await handler.handle({ ...github(githubPush), path: '/webhooks/github/nope' })).status).toBe(401);
  });

  it('refuses an oversize body with 413 before verifying it', async () => {
    const { handler, rejections } = setup({ maxBodyBytes: 64 });
    const response = await handler.handle(github(githubPush, { signature: 'not even checked' }));
    expect(response.status).toBe(413);
    expect(rejections.rejections[0]).toEqual(expect.objectContaining({ status: 413 }));
  });

  it('refuses malformed JSON with 400 naming the problem', async () => {
    const { handler } = setup();
    const rawBody = Buffer.from('{"ref": "refs/heads/main",');
    const signature = `sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`;
    const response = await handler.handle({ ...github({}), rawBody, headers: { ...github({}).headers, 'x-hub-signature-256': signature } });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^malformed JSON: /);
  });

  it('refuses a payload without the commit with 400 naming the field', async () => {
    const { handler } = setup();
    const response = await handler.handle(github({ ...githubPush, after: undefined }));
    expect(response).toEqual({ status: 400, body: { message: 'malformed payload: after must be a non-empty string' } });
  });

  it('answers ping and branch deletions without starting anything', async () => {
    const { handler, starts } = setup();
    expect((await handler.handle(github({ zen: 'hi' }, { event: 'ping' }))).status).toBe(202);
    expect((await handler.handle(github({ ...githubPush, deleted: true, after: '0'.repeat(40) }, { delivery: 'd-2' }))).status).toBe(202);
    expect(starts).toEqual([]);
  });

  it('starts a pipeline whose pullRequest filter matches an opened pull request, with the head commit', async () => {
    const starts: TriggeredStartInput[] = [];
    const prPipelineHandler = createWebhookHandler({
      secrets: { lookup: async () => ({ account: 'acme', secret: SECRET }) },
      pipelines: {
        listPipelines: async () => [
          pipeline('pr', 'acme', 'https://github.com/acme/app', [
            { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Checkout', pullRequest: [{ events: ['OPEN'], branches: { includes: ['main'] } }] } },
          ]),
        ],
      },
      start: async (_caller, input) => {
        starts.push(input);
        return { pipelineExecutionId: 'e' };
      },
      audit: new InMemoryTriggerAuditLog(),
      deliveries: new InMemoryDeliveryLog(),
      rejections: new InMemoryRejectionLog(),
      now: () => NOW,
    });
    const payload = {
      action: 'opened',
      pull_request: { head: { ref: 'feature/x', sha: 'abc123' }, base: { ref: 'main' } },
      repository: { clone_url: 'https://github.com/acme/app.git' },
    };
    expect((await prPipelineHandler.handle(github(payload, { event: 'pull_request' }))).status).toBe(200);
    expect(starts.map((s) => [s.name, s.sourceRevisions[0].revisionValue])).toEqual([['pr', 'abc123']]);
  });

  it('answers 500 when a start fails and lets the redelivery try again', async () => {
    const { handler, starts } = setup({ failFor: 'app' });
    const failed = await handler.handle(github(githubPush));
    expect(failed.status).toBe(500);
    expect(failed.body.failed).toEqual([{ pipelineName: 'app', error: 'event store unavailable' }]);
    expect((await handler.handle(github(githubPush))).body.message).not.toMatch(/already processed/);
    expect(starts).toEqual([]);
  });
});

describe('webhook handler: GitLab', () => {
  const gitlabPush = {
    ref: 'refs/heads/main',
    after: 'aa11bb22cc33dd44ee55ff6677889900aabbccdd',
    project: { git_http_url: 'https://github.com/acme/app.git', git_ssh_url: 'git@github.com:acme/app.git' },
    commits: [{ added: ['x'], modified: [], removed: [] }],
  };
  const gitlab = (token: string | undefined, uuid = 'u-1'): WebhookRequest => ({
    path: '/webhooks/gitlab/hook-1',
    rawBody: Buffer.from(JSON.stringify(gitlabPush)),
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': uuid, ...(token === undefined ? {} : { 'x-gitlab-token': token }) },
  });

  it('starts on a push with the right token, once per event UUID', async () => {
    const { handler, starts } = setup();
    expect((await handler.handle(gitlab(SECRET))).status).toBe(200);
    expect((await handler.handle(gitlab(SECRET))).body.message).toMatch(/already processed/);
    expect(starts.map((s) => [s.input.name, s.input.trigger])).toEqual([['app', { triggerType: 'Webhook', triggerDetail: 'gitlab:u-1' }]]);
  });

  it.each([['a wrong token', 'wrong'], ['a longer token', `${SECRET}x`], ['no token', undefined]])('refuses %s with 401', async (_name, token) => {
    const { handler, starts, rejections } = setup();
    expect((await handler.handle(gitlab(token))).status).toBe(401);
    expect(starts).toEqual([]);
    expect(rejections.rejections).toHaveLength(1);
  });
});

describe('webhook handler: generic signed webhook', () => {
  const body = { repositoryUrl: 'ssh://git@github.com/acme/app', ref: 'main', commitId: 'fedcba9876543210', changedFiles: ['docs/a.md'] };
  const generic = (timestamp: number, secret = SECRET): WebhookRequest => {
    const rawBody = Buffer.from(JSON.stringify(body));
    const signature = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
    return { path: '/webhooks/generic/hook-1', rawBody, headers: { 'x-sluice-timestamp': String(timestamp), 'x-sluice-signature': `sha256=${signature}` } };
  };
  const nowSeconds = NOW.getTime() / 1000;

  it('starts on a fresh, correctly signed delivery', async () => {
    const { handler, starts } = setup();
    expect((await handler.handle(generic(nowSeconds - 10))).status).toBe(200);
    expect(starts.map((s) => s.input.name).sort()).toEqual(['app', 'docs-only']);
  });

  it.each([
    ['older than 5 minutes', nowSeconds - 301, SECRET],
    ['more than 5 minutes ahead', nowSeconds + 301, SECRET],
    ['signed with another secret', nowSeconds, 'other'],
  ])('refuses a delivery %s with 401', async (_name, timestamp, secret) => {
    const { handler, starts } = setup();
    expect((await handler.handle(generic(timestamp, secret))).status).toBe(401);
    expect(starts).toEqual([]);
  });

  it('refuses a replayed timestamp header on a re-signed body', async () => {
    const { handler } = setup();
    const request = generic(nowSeconds);
    expect((await handler.handle({ ...request, headers: { ...request.headers, 'x-sluice-timestamp': String(nowSeconds - 1) } })).status).toBe(401);
  });

  it('refuses an unknown provider path with 404', async () => {
    const { handler } = setup();
    expect((await handler.handle({ ...generic(nowSeconds), path: '/webhooks/bitbucket/hook-1' })).status).toBe(404);
  });
});
