import { createHash, randomUUID } from 'node:crypto';
import { matchWebhookFilters, parseIpRange, type PipelineDeclaration } from '@sluice/domain';
import { startAudited, type TriggerAuditLog } from '../audit/trigger-audit';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { SourceRevisionOverride, StartExecutionPort } from '../start-execution-port';
import { DeliveryRejected } from './delivery-rejected';
import type { RejectionLog } from './rejection-log';
import { hmacSha256, signatureHeaderMatches } from './signature';
import { headerValue, type WebhookRequest, type WebhookResponse } from './webhook-request';

/**
 * A webhook put through the API (PutWebhook, decision 0039), as the receiver needs it: the secret opened, and the
 * target pipeline's current definition (undefined when it was deleted since).
 */
export interface AccountWebhook {
  account: string;
  name: string;
  targetPipeline: string;
  targetAction: string;
  filters: ReadonlyArray<{ jsonPath: string; matchEquals?: string }>;
  authentication: 'GITHUB_HMAC' | 'IP' | 'UNAUTHENTICATED';
  secretToken?: string;
  allowedIpRange?: string;
  targetDeclaration: PipelineDeclaration | undefined;
}

export interface AccountWebhooks {
  /** The webhook served at `/webhooks/aws/{urlId}`, or undefined (never put, or deleted). */
  lookup(urlId: string): Promise<AccountWebhook | undefined>;
}

export interface AccountWebhookHandlerDeps {
  webhooks: AccountWebhooks;
  start: StartExecutionPort;
  audit: TriggerAuditLog;
  rejections: RejectionLog;
  now: () => Date;
  maxBodyBytes: number;
}

const COMMIT = /^[0-9a-f]{40}$/i;
const NULL_COMMIT = /^0+$/;
const DELIVERY_HEADERS = ['x-github-delivery', 'x-gitlab-event-uuid', 'x-request-id'];

/**
 * `POST /webhooks/aws/{urlId}` as CodePipeline serves a webhook: authenticated as its definition says (GITHUB_HMAC:
 * `X-Hub-Signature-256` over the body; IP: the sender in AllowedIPRange; UNAUTHENTICATED: anyone with the URL), then
 * every filter must match the JSON body, `{Key}` read from the target action's configuration; then the target
 * pipeline starts. A GitHub-style push (`ref`, `after`) to the branch of a Source/Git target pins that commit, with the token the
 * poller would use (decision 0018), so a push seen by both starts once.
 */
export function createAccountWebhookHandler(deps: AccountWebhookHandlerDeps) {
  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    const urlId = request.path.split('/').filter(Boolean).at(-1) ?? '';
    try {
      if (request.rawBody.length > deps.maxBodyBytes) throw new DeliveryRejected(413, `body of ${request.rawBody.length} bytes exceeds the limit of ${deps.maxBodyBytes}`);
      const webhook = await deps.webhooks.lookup(urlId);
      if (!webhook) throw new DeliveryRejected(404, 'no webhook is served at this URL (never put, or deleted)');
      authenticate(webhook, request);
      const body = parseBody(request.rawBody);
      const action = webhook.targetDeclaration?.stages.flatMap((stage) => stage.actions).find((candidate) => candidate.name === webhook.targetAction);
      if (!webhook.targetDeclaration || !action) {
        throw new DeliveryRejected(409, `the target ${webhook.targetDeclaration ? `action '${webhook.targetAction}' of ` : ''}pipeline '${webhook.targetPipeline}' no longer exists; put the webhook again`);
      }
      const matched = matchWebhookFilters(body, webhook.filters, action.configuration ?? {});
      if (!matched.matched) throw new DeliveryRejected(422, `filter ${matched.index} (${webhook.filters[matched.index]!.jsonPath}) does not match: ${matched.reason}`);
      return await startTarget(webhook, action, body, request);
    } catch (error) {
      if (!(error instanceof DeliveryRejected)) throw error;
      await deps.rejections.record({ at: deps.now().toISOString(), path: request.path, webhookId: urlId || null, status: error.status, reason: error.message });
      return { status: error.status, body: { message: error.message } };
    }
  }

  async function startTarget(webhook: AccountWebhook, action: PipelineDeclaration['stages'][number]['actions'][number], body: unknown, request: WebhookRequest): Promise<WebhookResponse> {
    const { ref, after } = (body ?? {}) as { ref?: unknown; after?: unknown };
    const isGitSource = action.actionTypeId.category === 'Source' && action.actionTypeId.provider === 'Git';
    let sourceRevisions: SourceRevisionOverride[] = [];
    let clientRequestToken: string;
    // Pinned only when the push is to the branch the source fetches: another branch's commit is not what it builds.
    const pushToSourceBranch = isGitSource && ref === `refs/heads/${action.configuration?.BranchName ?? ''}`;
    if (pushToSourceBranch && typeof ref === 'string' && typeof after === 'string' && COMMIT.test(after)) {
      if (NULL_COMMIT.test(after)) return { status: 202, body: { message: `ignored: ${ref} was deleted` } };
      sourceRevisions = [{ actionName: action.name, revisionType: 'COMMIT_ID', revisionValue: after }];
      clientRequestToken = sourceRevisionToken({ kind: 'push', repositoryUrls: [], ref, commitId: after }, sourceRevisions);
    } else {
      // No commit to pin: the source takes its branch's head. A redelivery (same delivery id) lands on the same execution.
      const delivery = DELIVERY_HEADERS.map((name) => headerValue(request.headers, name)).find((value) => value !== undefined) ?? randomUUID();
      clientRequestToken = `webhook-${createHash('sha256').update(`${webhook.account}\u0000${webhook.name}\u0000${delivery}`).digest('hex').slice(0, 40)}`;
    }
    const deliveryId = headerValue(request.headers, 'x-github-delivery') ?? clientRequestToken;
    const triggerDetail = `webhook:${webhook.name}`;
    const started = await startAudited(
      deps.audit,
      deps.start,
      {
        trigger: { kind: 'webhook', webhookId: `aws/${webhook.name}`, provider: 'aws', deliveryId },
        account: webhook.account,
        pipelineName: webhook.targetPipeline,
        sourceRevisions,
        triggerDetail,
        clientRequestToken,
        sourceIp: request.sourceIp ?? null,
        userAgent: headerValue(request.headers, 'user-agent') ?? null,
      },
      { account: webhook.account, actor: `webhook/${webhook.name}` },
      { name: webhook.targetPipeline, sourceRevisions, clientRequestToken, trigger: { triggerType: 'Webhook', triggerDetail } },
    );
    return { status: 200, body: { message: 'started 1 pipeline execution(s)', started: [{ pipelineName: webhook.targetPipeline, pipelineExecutionId: started.pipelineExecutionId }] } };
  }

  return { handle };
}

function authenticate(webhook: AccountWebhook, request: WebhookRequest): void {
  switch (webhook.authentication) {
    case 'GITHUB_HMAC':
      if (!webhook.secretToken || !signatureHeaderMatches(headerValue(request.headers, 'x-hub-signature-256'), hmacSha256(webhook.secretToken, request.rawBody))) {
        throw new DeliveryRejected(401, 'missing or invalid X-Hub-Signature-256');
      }
      return;
    case 'IP': {
      const range = webhook.allowedIpRange === undefined ? undefined : parseIpRange(webhook.allowedIpRange);
      const address = request.sourceIp ?? '';
      if (!range?.ok || !range.contains(address)) throw new DeliveryRejected(403, `the sender ${address || '(unknown)'} is outside the webhook's AllowedIPRange`);
      return;
    }
    case 'UNAUTHENTICATED':
      return;
  }
}

function parseBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new DeliveryRejected(400, `malformed JSON: ${(error as Error).message}`);
  }
}
