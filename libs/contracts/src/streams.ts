// Every stream of the platform's event store, by the name its writer gives it and the prefix its readers subscribe
// to (DESIGN.md: one stream per aggregate). Account ids hold no '.', so `{account}.{name}` splits at the first '.'.
// A reader finds a stream here, never by writing its name again.
import { checkString, IssueCollector, PIPELINE_NAME_RULE, PIPELINE_STREAM_PREFIX } from '@sluice/domain';

export { PIPELINE_STREAM_PREFIX };
export { AUDIT_STREAM_PREFIX, accountOfAuditStream, auditStreamOf } from '@sluice/authz';

/** The pipeline aggregate: `pipeline-{account}.{name}` (the name may hold dots). */

/** A name within CodePipeline's rule; any other never reaches the store (validation refuses it). */
export function isStorablePipelineName(name: unknown): name is string {
  return typeof name === 'string' && checkString(name, { label: 'Pipeline name', ...PIPELINE_NAME_RULE }, '$', new IssueCollector());
}

export function pipelineStreamId(account: string, name: string): string {
  return `${PIPELINE_STREAM_PREFIX}${account}.${name}`;
}

export function parsePipelineStreamId(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(PIPELINE_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(PIPELINE_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  return { account: rest.slice(0, dot), name: rest.slice(dot + 1) };
}

/** The executions service's aggregates: one stream per execution, per pipeline's lanes, per job. */
export interface PipelineRef {
  account: string;
  name: string;
}

export const EXECUTION_STREAM_PREFIX = 'execution-';
// Not `pipeline-lanes-`: a subscriber to the pipelines service's `pipeline-` prefix would read it as a pipeline of account `lanes`.
export const LANES_STREAM_PREFIX = 'lanes-';
export const JOB_STREAM_PREFIX = 'job-';

export function executionStreamId(executionId: string): string {
  return `${EXECUTION_STREAM_PREFIX}${executionId}`;
}

export function lanesStreamId(pipeline: PipelineRef): string {
  return `${LANES_STREAM_PREFIX}${pipeline.account}.${pipeline.name}`;
}

export function jobStreamId(jobId: string): string {
  return `${JOB_STREAM_PREFIX}${jobId}`;
}

/** The execution an `execution-…` stream belongs to, or undefined for another stream. */
export function executionIdOfStream(streamId: string): string | undefined {
  return streamId.startsWith(EXECUTION_STREAM_PREFIX) ? streamId.slice(EXECUTION_STREAM_PREFIX.length) : undefined;
}

/** The pipeline of a `lanes-{account}.{name}` stream, or undefined for another stream. */
export function pipelineOfLanesStream(streamId: string): PipelineRef | undefined {
  if (!streamId.startsWith(LANES_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(LANES_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), name: rest.slice(dot + 1) } : undefined;
}

/**
 * Action logs live in a stream per execution, beside (not in) the execution's own stream, so a log line
 * never contends with a state change. Not `execution-log-…`: every subscriber to the `execution-` prefix
 * (the engine's projection, the gateway's executionUpdated) would then read log lines too.
 */
export const ACTION_LOG_STREAM_PREFIX = 'action-logs-';

export function actionLogStreamId(executionId: string): string {
  return `${ACTION_LOG_STREAM_PREFIX}${executionId}`;
}

/** Content-addressed artifacts: `artifact-{sha256}`. */
export const ARTIFACT_STREAM_PREFIX = 'artifact-';

export function artifactStreamId(sha256: string): string {
  return `${ARTIFACT_STREAM_PREFIX}${sha256}`;
}

/** Identity aggregates of the permissions service. */
export const accountStream = (account: string) => `account-${account}`;
export const principalStream = (account: string, id: string) => `principal-${account}.${id}`;
export const groupStream = (account: string, name: string) => `group-${account}.${name}`;
export const tokenStream = (tokenId: string) => `token-${tokenId}`;
export const IDENTITY_STREAM_PREFIXES = ['account-', 'principal-', 'group-', 'token-'];

/** One stream per access key: `accesskey-AKIA…` (the id is public; the secret is only ever stored encrypted). */
export const ACCESS_KEY_STREAM_PREFIX = 'accesskey-';
export const accessKeyStream = (accessKeyId: string) => `${ACCESS_KEY_STREAM_PREFIX}${accessKeyId}`;

/**
 * Streams that hold the platform's own secrets, never relayed to the bus whatever the prefixes asked for: `key-…`
 * (the HMAC key of the execution ids of triggered runs, decision 0027) and `secret-…` (the accounts' sealed secrets, decision
 * 0043). Whoever reads a topic reads only facts.
 */
export const PRIVATE_STREAM_PREFIXES: readonly string[] = ['key-', 'secret-'];

/** Where the executions service keeps that key: in the store every engine instance shares, so all derive the same ids. */
export const EXECUTION_ID_KEY_STREAM = 'key-execution-ids';

/** A webhook of an account (decision 0039): `webhook-{account}.{name}`, written by pipelines, read by the triggers. */
export const WEBHOOK_STREAM_PREFIX = 'webhook-';

export function webhookStreamId(account: string, name: string): string {
  return `${WEBHOOK_STREAM_PREFIX}${account}.${name}`;
}

export function parseWebhookStreamId(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(WEBHOOK_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(WEBHOOK_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), name: rest.slice(dot + 1) } : undefined;
}

/** Where the gateway serves the webhooks of the accounts (decision 0039): `POST /webhooks/aws/{urlId}`. */
export const WEBHOOKS_AWS_PATH = '/webhooks/aws';

/** A notification rule of an account (decision 0044): `notificationrule-{account}.{name}`, written by pipelines, read by the notifier. */
export const NOTIFICATION_RULE_STREAM_PREFIX = 'notificationrule-';

export function notificationRuleStreamId(account: string, name: string): string {
  return `${NOTIFICATION_RULE_STREAM_PREFIX}${account}.${name}`;
}

export function parseNotificationRuleStreamId(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(NOTIFICATION_RULE_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(NOTIFICATION_RULE_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), name: rest.slice(dot + 1) } : undefined;
}

/** One notification to one target (decision 0044): `notificationdelivery-{account}.{idempotencyKey}`, written by the notifier. */
export const NOTIFICATION_DELIVERY_STREAM_PREFIX = 'notificationdelivery-';

export function notificationDeliveryStreamId(account: string, idempotencyKey: string): string {
  return `${NOTIFICATION_DELIVERY_STREAM_PREFIX}${account}.${idempotencyKey}`;
}

export function parseNotificationDeliveryStreamId(streamId: string): { account: string; idempotencyKey: string } | undefined {
  if (!streamId.startsWith(NOTIFICATION_DELIVERY_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(NOTIFICATION_DELIVERY_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), idempotencyKey: rest.slice(dot + 1) } : undefined;
}
