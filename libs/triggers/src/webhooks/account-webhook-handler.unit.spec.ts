import { createHmac } from 'node:crypto';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { StartExecutionPort, TriggeredStartInput } from '../start-execution-port';
import { triggerablePipeline } from '../testing';
import { createAccountWebhookHandler, type AccountWebhook } from './account-webhook-handler';
import { InMemoryRejectionLog } from './rejection-log';

const SECRET = 'webhook-secret-token';
const COMMIT = '9f1c2e3d4b5a69788766554433221100aabbccdd';
const web = triggerablePipeline('web', 'https://git.example.com/web.git', { account: 'acme' });

const webhook = (changes: Partial<AccountWebhook> = {}): AccountWebhook => ({
  account: 'acme',
  name: 'on-push',
  targetPipeline: 'web',
  targetAction: 'Checkout',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
  authentication: 'GITHUB_HMAC',
  secretToken: SECRET,
  targetDeclaration: web.declaration,
  ...changes,
});

function setup(hook: AccountWebhook) {
  const starts: TriggeredStartInput[] = [];
  const audit = new InMemoryTriggerAuditLog();
  const start: StartExecutionPort = async (_caller, input) => {
    starts.push(input);
    return { pipelineExecutionId: `exec-${starts.length}` };
  };
  const handler = createAccountWebhookHandler({
    webhooks: { lookup: async (urlId) => (urlId === 'u1' ? hook : undefined) },
    start,
    audit,
    rejections: new InMemoryRejectionLog(),
    now: () => new Date('2026-01-01T00:00:00Z'),
    maxBodyBytes: 10_000,
  });
  const post = (body: unknown, options: { secret?: string; sourceIp?: string; path?: string; headers?: Record<string, string> } = {}) => {
    const rawBody = Buffer.from(JSON.stringify(body));
    const signature = `sha256=${createHmac('sha256', options.secret ?? SECRET).update(rawBody).digest('hex')}`;
    return handler.handle({ path: options.path ?? '/webhooks/aws/u1', rawBody, headers: { 'x-hub-signature-256': signature, ...options.headers }, sourceIp: options.sourceIp ?? '127.0.0.1' });
  };
  return { post, starts, audit };
}

describe('a webhook put through the API', () => {
  it('starts its target pipeline at the pushed commit, with the token the poller uses for that push', async () => {
    const { post, starts, audit } = setup(webhook());
    expect(await post({ ref: 'refs/heads/main', after: COMMIT })).toMatchObject({ status: 200, body: { started: [{ pipelineName: 'web', pipelineExecutionId: 'exec-1' }] } });
    const sourceRevisions = [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: COMMIT }] as const;
    expect(starts).toEqual([
      {
        name: 'web',
        sourceRevisions,
        clientRequestToken: sourceRevisionToken({ kind: 'push', repositoryUrls: [], ref: 'refs/heads/main', commitId: COMMIT }, [...sourceRevisions]),
        trigger: { triggerType: 'Webhook', triggerDetail: 'webhook:on-push' },
      },
    ]);
    expect(audit.entries.map((entry) => entry.kind)).toEqual(['attempt', 'outcome']);
  });

  it('starts on any body the filters match, without a commit to pin, the same execution for a redelivery', async () => {
    const { post, starts } = setup(webhook({ authentication: 'UNAUTHENTICATED', secretToken: undefined, filters: [{ jsonPath: '$.action', matchEquals: 'deploy' }] }));
    const delivery = { headers: { 'x-github-delivery': 'd-1' }, secret: 'anything' };
    expect((await post({ action: 'deploy' }, delivery)).status).toBe(200);
    expect((await post({ action: 'deploy' }, delivery)).status).toBe(200);
    expect(starts.map((s) => s.sourceRevisions)).toEqual([[], []]);
    expect(starts[0]!.clientRequestToken).toBe(starts[1]!.clientRequestToken);
  });

  it.each<[string, AccountWebhook, unknown, { secret?: string; sourceIp?: string; path?: string }, number]>([
    ['an unknown URL', webhook(), { ref: 'refs/heads/main', after: COMMIT }, { path: '/webhooks/aws/u2' }, 404],
    ['a wrong signature', webhook(), { ref: 'refs/heads/main', after: COMMIT }, { secret: 'wrong' }, 401],
    ['a body the filters do not match', webhook(), { ref: 'refs/heads/dev', after: COMMIT }, {}, 422],
    ['a sender outside the allowed range', webhook({ authentication: 'IP', secretToken: undefined, allowedIpRange: '10.0.0.0/8' }), { ref: 'refs/heads/main', after: COMMIT }, { sourceIp: '192.168.1.1' }, 403],
    ['a target pipeline deleted since', webhook({ targetDeclaration: undefined }), { ref: 'refs/heads/main', after: COMMIT }, {}, 409],
  ])('refuses %s and starts nothing', async (_title, hook, body, options, status) => {
    const { post, starts } = setup(hook);
    expect((await post(body, options)).status).toBe(status);
    expect(starts).toEqual([]);
  });

  it('pins no commit of a branch the source does not fetch', async () => {
    const { post, starts } = setup(webhook({ filters: [{ jsonPath: '$.repository.name', matchEquals: 'web' }] }));
    expect((await post({ ref: 'refs/heads/dev', after: COMMIT, repository: { name: 'web' } })).status).toBe(200);
    expect(starts.map((s) => s.sourceRevisions)).toEqual([[]]);
  });

  it('lets a sender inside the allowed range start it, and ignores a deleted branch', async () => {
    const { post, starts } = setup(webhook({ authentication: 'IP', secretToken: undefined, allowedIpRange: '10.0.0.0/8' }));
    expect((await post({ ref: 'refs/heads/main', after: COMMIT }, { sourceIp: '::ffff:10.1.2.3' })).status).toBe(200);
    expect((await post({ ref: 'refs/heads/main', after: '0'.repeat(40) }, { sourceIp: '10.1.2.3' })).status).toBe(202);
    expect(starts).toHaveLength(1);
  });
});
