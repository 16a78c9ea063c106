import { startAudited, type TriggerAuditLog } from '../audit/trigger-audit';
import type { PipelineCatalog } from '../pipeline-catalog';
import { planStarts, type PlannedStart } from '../planning/plan-starts';
import type { SourceEvent } from '../planning/source-event';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { StartExecutionPort } from '../start-execution-port';
import type { DeliveryLog } from './delivery-log';
import { DeliveryRejected } from './delivery-rejected';
import { genericProvider } from './generic-provider';
import { githubProvider } from './github-provider';
import { gitlabProvider } from './gitlab-provider';
import type { RejectionLog } from './rejection-log';
import type { WebhookProvider } from './webhook-provider';
import { headerValue, type WebhookRequest, type WebhookResponse, type WebhookResponseBody } from './webhook-request';
import type { WebhookSecrets } from './webhook-secrets';

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const PROVIDERS: Record<string, WebhookProvider> = { github: githubProvider, gitlab: gitlabProvider, generic: genericProvider };

export interface WebhookHandlerDeps {
  secrets: WebhookSecrets;
  pipelines: PipelineCatalog;
  start: StartExecutionPort;
  /** Every start is recorded, as the webhook, before it happens (decision 0028). */
  audit: TriggerAuditLog;
  deliveries: DeliveryLog;
  rejections: RejectionLog;
  now: () => Date;
  maxBodyBytes?: number;
}

export interface WebhookHandler {
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

/** Verifies a delivery, then starts every pipeline of the webhook's account whose source and triggers it matches. */
export function createWebhookHandler(deps: WebhookHandlerDeps): WebhookHandler {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;

  async function reject(request: WebhookRequest, webhookId: string | null, error: DeliveryRejected): Promise<WebhookResponse> {
    await deps.rejections.record({ at: deps.now().toISOString(), path: request.path, webhookId, status: error.status, reason: error.message });
    return { status: error.status, body: { message: error.message } };
  }

  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    const [providerName, webhookId] = request.path.split('/').filter(Boolean).slice(-2);
    try {
      // Size first: nothing is hashed or parsed for a body over the limit.
      if (request.rawBody.length > maxBodyBytes) throw new DeliveryRejected(413, `body of ${request.rawBody.length} bytes exceeds the limit of ${maxBodyBytes}`);
      const provider = providerName === undefined ? undefined : PROVIDERS[providerName];
      if (!provider || !webhookId) throw new DeliveryRejected(404, 'expected a path ending in /{github|gitlab|generic}/{webhookId}');
      const registration = await deps.secrets.lookup(webhookId);
      // An unknown webhook answers like a wrong secret, so ids cannot be probed.
      if (!registration) throw new DeliveryRejected(401, 'signature does not match this webhook');
      provider.verify(request, registration.secret, deps.now());
      const delivery = provider.parse(request);
      if (delivery.kind === 'ignored') return { status: 202, body: { message: `ignored: ${delivery.reason}` } };

      const deliveryKey = `${providerName}/${webhookId}/${delivery.deliveryId}`;
      if (!(await deps.deliveries.claim(deliveryKey))) return { status: 200, body: { message: `delivery ${delivery.deliveryId} already processed` } };
      const pipelines = (await deps.pipelines.listPipelines()).filter((pipeline) => pipeline.account === registration.account);
      const body = await startAll(delivery.event, planStarts(delivery.event, pipelines), { providerName: providerName!, webhookId, deliveryId: delivery.deliveryId, request });
      if (body.failed?.length) {
        await deps.deliveries.release(deliveryKey);
        return { status: 500, body };
      }
      return { status: 200, body };
    } catch (error) {
      if (error instanceof DeliveryRejected) return reject(request, webhookId ?? null, error);
      throw error;
    }
  }

  async function startAll(
    event: SourceEvent,
    planned: PlannedStart[],
    delivery: { providerName: string; webhookId: string; deliveryId: string; request: WebhookRequest },
  ): Promise<WebhookResponseBody> {
    const { providerName, webhookId, deliveryId, request } = delivery;
    const triggerDetail = `${providerName}:${deliveryId}`;
    // The token names the change, not the delivery: a redelivery after a partial failure, another webhook
    // of the repository or the poller seeing the same commit all land on the execution already started.
    const outcomes = await Promise.allSettled(
      planned.map(({ pipeline, sourceRevisions }) => {
        const clientRequestToken = sourceRevisionToken(event, sourceRevisions);
        return startAudited(
          deps.audit,
          deps.start,
          {
            trigger: { kind: 'webhook', webhookId, provider: providerName, deliveryId },
            account: pipeline.account,
            pipelineName: pipeline.name,
            sourceRevisions,
            triggerDetail,
            clientRequestToken,
            sourceIp: request.sourceIp ?? null,
            userAgent: headerValue(request.headers, 'user-agent') ?? null,
          },
          { account: pipeline.account, actor: `webhook/${webhookId}` },
          { name: pipeline.name, sourceRevisions, clientRequestToken, trigger: { triggerType: 'Webhook', triggerDetail } },
        );
      }),
    );
    const started: NonNullable<WebhookResponseBody['started']> = [];
    const failed: NonNullable<WebhookResponseBody['failed']> = [];
    outcomes.forEach((outcome, index) => {
      const pipelineName = planned[index].pipeline.name;
      if (outcome.status === 'fulfilled') started.push({ pipelineName, pipelineExecutionId: outcome.value.pipelineExecutionId });
      else failed.push({ pipelineName, error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
    });
    const message = failed.length > 0 ? `${failed.length} of ${planned.length} starts failed` : `started ${started.length} pipeline execution(s)`;
    return failed.length > 0 ? { message, started, failed } : { message, started };
  }

  return { handle };
}
