import { randomBytes, randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appendAuditRecord, redactSecrets, resourceForAction, type AuditChainKeySource, type AuditRecord, type AuditResult, type JsonValue } from '@sluice/authz';
import { redactUrlCredentials } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import { parsePipelineStreamId, PIPELINE_STREAM_PREFIX } from '@sluice/contracts';
import type { PipelinesProjection } from '@sluice/pipelines';
import { WEBHOOKS_AWS_PATH, webhookSecretBinding } from '@sluice/contracts';
import type { MasterKeyCipher } from '@sluice/runtime';
import {
  createAccountWebhookHandler,
  createWebhookHandler,
  type AccountWebhooks,
  DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  gitSourceActionsOf,
  InMemoryDeliveryLog,
  InMemoryRejectionLog,
  triggerPrincipalId,
  type PipelineCatalog,
  type StartExecutionPort,
  type TriggerablePipeline,
  type TriggerAuditLog,
  type TriggeredStartOutcome,
  type TriggeredStartRecord,
  type WebhookRegistration,
  type WebhookSecrets,
} from '@sluice/triggers';

/** A path prefix and its handler: the gateway's `HttpRoute` (embedded) or the triggers process's own server. */
export interface HttpRoute {
  /** A path prefix such as `/webhooks`, without a trailing slash. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

/** Where the gateway serves webhooks: `POST ${WEBHOOKS_PREFIX}/{github|gitlab|generic}/{webhookId}`. */
export const WEBHOOKS_PREFIX = '/webhooks';
const PAGE_SIZE = 500;

/**
 * Every pipeline of every account, at its latest definition, from the pipelines service's in-process
 * projection. Its read model lists by account, so the accounts are learnt from the pipeline streams.
 */
export async function projectionCatalog(store: EventStore, projection: PipelinesProjection): Promise<PipelineCatalog & { stop(): Promise<void> }> {
  const accounts = new Set<string>();
  const subscription = store.subscribeToAll(
    (event) => {
      const parsed = parsePipelineStreamId(event.streamId);
      if (parsed) accounts.add(parsed.account);
    },
    { fromPosition: 'start', streamPrefixes: [PIPELINE_STREAM_PREFIX] },
  );
  await subscription.caughtUp;
  return {
    async listPipelines(): Promise<TriggerablePipeline[]> {
      const pipelines: TriggerablePipeline[] = [];
      for (const account of accounts) {
        let after: string | undefined;
        for (;;) {
          const page = projection.pipelines.listPipelines(account, PAGE_SIZE, after);
          for (const { pipeline } of page.edges) pipelines.push({ account, name: pipeline.name, declaration: pipeline.version.declaration });
          if (!page.hasNextPage || page.endCursor === null) break;
          after = page.endCursor;
        }
      }
      return pipelines;
    },
    stop: () => subscription.stop(),
  };
}

/**
 * The pipelines with a `Source/Git` action whose `DetectChanges` and `PollForSourceChanges` are true or unset:
 * the ones the poller watches (decision 0018: webhooks and the poller may both start a pipeline, once per push).
 */
export function pollableCatalog(catalog: PipelineCatalog): PipelineCatalog {
  return {
    listPipelines: async () =>
      (await catalog.listPipelines()).filter((p) => gitSourceActionsOf(p.declaration).some((source) => source.detectChanges && source.pollForSourceChanges)),
  };
}

/**
 * The webhooks put through the API (decision 0039), from the pipelines service's projection: each by its URL id, its
 * secret token opened with the master key, its target pipeline at its latest definition.
 */
export function projectionWebhooks(projection: PipelinesProjection, cipher: MasterKeyCipher): AccountWebhooks {
  return {
    async lookup(urlId) {
      const view = projection.webhooks.webhookAtUrl(urlId);
      if (!view) return undefined;
      const { definition, account } = view;
      const active = projection.pipelines.listPipelineVersions(account, definition.targetPipeline) !== undefined;
      return {
        account,
        name: definition.name,
        targetPipeline: definition.targetPipeline,
        targetAction: definition.targetAction,
        filters: definition.filters,
        authentication: definition.authentication,
        ...(view.sealedSecretToken !== undefined ? { secretToken: await cipher.open(view.sealedSecretToken, webhookSecretBinding(account, definition.name)) } : {}),
        ...(definition.allowedIpRange !== undefined ? { allowedIpRange: definition.allowedIpRange } : {}),
        targetDeclaration: active ? projection.pipelines.getPipeline(account, definition.targetPipeline)?.version.declaration : undefined,
      };
    },
  };
}

/**
 * `webhook-secrets.json`: `{ "<webhookId>": { "account": "default", "secret": "…" } }`, read on every
 * delivery so an edit takes effect without a restart. Created with a random secret for `default` when absent.
 */
export async function fileWebhookSecrets(file: string): Promise<WebhookSecrets & { created?: WebhookRegistration }> {
  let created: WebhookRegistration | undefined;
  // Created whole or not at all: written aside, then linked into place (link fails if the file exists), so a second
  // triggers process starting at the same moment reads either no file or the complete one, never a half-written one.
  const candidate = { account: 'default', secret: randomBytes(32).toString('hex') };
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(aside, `${JSON.stringify({ default: candidate }, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(aside, file);
    created = candidate;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  const load = async (): Promise<Record<string, WebhookRegistration>> => parseWebhookSecrets(await readFile(file, 'utf8'), file);
  await load(); // refuse to start on a malformed file
  return {
    created,
    async lookup(webhookId) {
      const secrets = await load();
      return Object.hasOwn(secrets, webhookId) ? secrets[webhookId] : undefined;
    },
  };
}

function parseWebhookSecrets(text: string, file: string): Record<string, WebhookRegistration> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of webhook ids`);
  const secrets: Record<string, WebhookRegistration> = {};
  for (const [id, value] of Object.entries(parsed)) {
    const entry = value as Partial<WebhookRegistration> | null;
    if (typeof entry?.account !== 'string' || !entry.account || typeof entry.secret !== 'string' || entry.secret.length < 16) {
      throw new Error(`${file}: webhook '${id}' needs an "account" and a "secret" of at least 16 characters`);
    }
    secrets[id] = { account: entry.account, secret: entry.secret };
  }
  return secrets;
}

/**
 * Trigger starts in the account's audit trail (decision 0028), as `trigger:webhook/{id}` or `trigger:poller`:
 * `sluice:StartPipelineExecution` on the pipeline, with the commit(s), the delivery and its address, appended
 * (keyed, like every record) before the start and its outcome after. A trigger is authorized by its signature
 * or the repository it watches, not by a policy: the decision is Allow with no deciding statement.
 */
export function storeTriggerAudit(store: EventStore, options: { key?: AuditChainKeySource; now?: () => Date } = {}): TriggerAuditLog {
  const now = options.now ?? (() => new Date());
  const requestIds = new Map<string, string>();
  const recordOf = (start: TriggeredStartRecord, result: AuditResult, requestId: string): AuditRecord => ({
    id: randomUUID(),
    time: now().toISOString(),
    principal: { id: triggerPrincipalId(start.trigger), account: start.account },
    viaRole: null,
    operation: 'sluice:StartPipelineExecution',
    resource: resourceForAction('sluice:StartPipelineExecution', { account: start.account, pipeline: start.pipelineName }),
    requestParameters: redactSecrets({
      name: start.pipelineName,
      trigger: { ...start.trigger },
      triggerDetail: start.triggerDetail,
      sourceRevisions: start.sourceRevisions.map((revision) => ({ ...revision })),
    } as { [key: string]: JsonValue }),
    decision: 'Allow',
    decidingStatement: null,
    result,
    sourceIp: start.sourceIp,
    userAgent: start.userAgent,
    requestId,
  });
  const append = (record: AuditRecord) => appendAuditRecord(store, record, options.key ? { key: options.key } : {});
  return {
    async recordAttempt(start) {
      const requestId = randomUUID();
      const attempt = await append(recordOf(start, { status: 'attempted' }, requestId));
      requestIds.set(attempt.id, requestId);
      return attempt.id;
    },
    async recordOutcome(attemptId, start, outcome: TriggeredStartOutcome) {
      const requestId = requestIds.get(attemptId) ?? randomUUID();
      requestIds.delete(attemptId);
      const result: AuditResult = outcome.status === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', errorCode: 'START_FAILED' };
      const record = recordOf(start, result, requestId);
      const told: { [key: string]: JsonValue } = outcome.status === 'succeeded' ? { pipelineExecutionId: outcome.pipelineExecutionId } : { error: redactUrlCredentials(outcome.error).slice(0, 500) };
      await append({ ...record, resultOf: attemptId, requestParameters: { ...record.requestParameters, ...told } });
    },
  };
}

export interface WebhookRouteDeps {
  secrets: WebhookSecrets;
  pipelines: PipelineCatalog;
  start: StartExecutionPort;
  /** Where each start is recorded before it happens: `storeTriggerAudit(store)`. */
  audit: TriggerAuditLog;
  log: (line: string) => void;
  maxBodyBytes?: number;
  /** The sender's address when the socket's is a proxy's (the gateway's `x-forwarded-for`, behind the internal secret). */
  sourceIpOf?: (req: IncomingMessage) => string | undefined;
  /** The webhooks put through the API, served at `/webhooks/aws/{urlId}` (`projectionWebhooks`). */
  accountWebhooks?: AccountWebhooks;
}

/** `POST /webhooks/{github|gitlab|generic}/{webhookId}` (file-configured) and `POST /webhooks/aws/{urlId}` (put through the API) on the gateway's server. */
export function webhookRoute(deps: WebhookRouteDeps): HttpRoute {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  const rejections = new InMemoryRejectionLog();
  const recordRejection = {
    async record(rejection: Parameters<InMemoryRejectionLog['record']>[0]) {
      await rejections.record(rejection);
      deps.log(`webhook: refused ${rejection.path} (${rejection.status}): ${rejection.reason}`);
    },
  };
  const accountHandler = deps.accountWebhooks
    ? createAccountWebhookHandler({ webhooks: deps.accountWebhooks, start: deps.start, audit: deps.audit, rejections: recordRejection, now: () => new Date(), maxBodyBytes })
    : undefined;
  const handler = createWebhookHandler({
    secrets: deps.secrets,
    pipelines: deps.pipelines,
    start: deps.start,
    audit: deps.audit,
    deliveries: new InMemoryDeliveryLog(),
    rejections: recordRejection,
    now: () => new Date(),
    maxBodyBytes,
  });
  return {
    prefix: WEBHOOKS_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse) {
      if (req.method !== 'POST') return reply(res, 405, { message: 'webhooks take POST' }, { allow: 'POST' });
      const { body, complete } = await readBody(req, maxBodyBytes);
      // An oversize body is cut at limit + 1 bytes: the handler refuses it (413) and records the refusal.
      const path = new URL(req.url ?? '/', 'http://gateway').pathname;
      const request = { headers: req.headers, rawBody: body, path, sourceIp: deps.sourceIpOf?.(req) ?? req.socket.remoteAddress ?? null };
      const ofAccount = accountHandler !== undefined && path.startsWith(`${WEBHOOKS_AWS_PATH}/`);
      const { status, body: answer } = await (ofAccount ? accountHandler.handle(request) : handler.handle(request));
      reply(res, status, answer);
      if (!complete) discardTheRest(req, maxBodyBytes);
    },
  };
}

/** How long, and how many bytes past the limit, the rest of an oversize body is read and dropped before the connection is cut. */
const DISCARD_MS = 10_000;
const DISCARD_FACTOR = 8;

/**
 * What a sender still sends of an oversize body is read and dropped (as nginx's lingering close does), so that the
 * sender gets to read the 413 it was answered: a connection cut while it is still writing is a reset on its side
 * (`fetch failed: ECONNRESET`), never the answer. Bounded in time and bytes: past them the connection is cut.
 */
function discardTheRest(req: IncomingMessage, limit: number): void {
  let dropped = 0;
  const cut = () => {
    clearTimeout(timer);
    req.destroy();
  };
  const timer = setTimeout(cut, DISCARD_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_FACTOR * limit) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', () => clearTimeout(timer));
  req.resume();
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Reads at most `limit + 1` bytes; `complete` is false when the body was longer (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.pause();
      return resolve({ body: Buffer.alloc(limit + 1), complete: false });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve({ body: Buffer.concat(chunks).subarray(0, limit + 1), complete: false });
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve({ body: Buffer.concat(chunks), complete: true }));
    req.once('error', reject);
  });
}
