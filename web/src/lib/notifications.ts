// A pipeline's notification deliveries (decision 0044): what the pipeline view's panel shows.
import { GraphQLRequestError, request } from './graphql';

export interface NotificationDelivery {
  idempotencyKey: string;
  ruleName: string;
  targetType: 'Webhook' | 'Slack' | 'Email';
  eventTypeId: string;
  executionId: string;
  status: 'Pending' | 'InProgress' | 'Retrying' | 'Succeeded' | 'Failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  updatedAt: string;
}

export interface NotificationRule {
  name: string;
  eventTypeIds: string[];
  targets: Array<{ type: 'Webhook' | 'Slack' | 'Email'; address: string; secretSet: boolean }>;
  status: 'ENABLED' | 'DISABLED';
  version: number;
  updated: string;
  updatedBy: string;
  tags: Array<{ key: string; value: string }>;
}

export interface NotificationSummary {
  rules: NotificationRule[];
  deliveries: NotificationDelivery[];
}

const RULE_FIELDS = 'name eventTypeIds targets { type address secretSet } status version updated updatedBy tags { key value }';

/** CodePipeline's event type ids Sluice emits (the server's list: an update with another is refused at its path). */
export const EVENT_TYPE_IDS = [
  'codepipeline-pipeline-pipeline-execution-started',
  'codepipeline-pipeline-pipeline-execution-succeeded',
  'codepipeline-pipeline-pipeline-execution-failed',
  'codepipeline-pipeline-pipeline-execution-superseded',
  'codepipeline-pipeline-pipeline-execution-canceled',
  'codepipeline-pipeline-stage-execution-failed',
  'codepipeline-pipeline-action-execution-failed',
  'codepipeline-pipeline-manual-approval-needed',
  'codepipeline-pipeline-manual-approval-succeeded',
  'codepipeline-pipeline-manual-approval-failed',
] as const;

/**
 * The rule's changes at the version read (a stale one is a CONFLICT: nothing is applied), then its tags: those set or
 * changed, and those removed, each at the version the previous step left. Returns the rule as it is now.
 */
export async function saveNotificationRule(
  pipelineName: string,
  rule: NotificationRule,
  changes: { eventTypeIds?: string[]; targets?: unknown[]; status?: string },
  tags: Array<{ key: string; value: string }>,
): Promise<NotificationRule> {
  let current = rule;
  const args = { p: pipelineName, n: rule.name };
  if (Object.keys(changes).length > 0) {
    current = (
      await request<{ updateNotificationRule: NotificationRule }>(
        `mutation UpdateRule($p: String!, $n: String!, $v: Int!, $c: JSON!) { updateNotificationRule(pipelineName: $p, name: $n, version: $v, changes: $c) { ${RULE_FIELDS} } }`,
        { ...args, v: current.version, c: changes },
      )
    ).updateNotificationRule;
  }
  const set = tags.filter((tag) => !rule.tags.some((t) => t.key === tag.key && t.value === tag.value));
  const removed = rule.tags.filter((t) => !tags.some((tag) => tag.key === t.key)).map((t) => t.key);
  if (set.length > 0) {
    current = (
      await request<{ tagNotificationRule: NotificationRule }>(
        `mutation TagRule($p: String!, $n: String!, $t: [TagInput!]!, $v: Int) { tagNotificationRule(pipelineName: $p, name: $n, tags: $t, version: $v) { ${RULE_FIELDS} } }`,
        { ...args, t: set, v: current.version },
      )
    ).tagNotificationRule;
  }
  if (removed.length > 0) {
    current = (
      await request<{ untagNotificationRule: NotificationRule }>(
        `mutation UntagRule($p: String!, $n: String!, $k: [String!]!, $v: Int) { untagNotificationRule(pipelineName: $p, name: $n, tagKeys: $k, version: $v) { ${RULE_FIELDS} } }`,
        { ...args, k: removed, v: current.version },
      )
    ).untagNotificationRule;
  }
  return current;
}

/** `team=web` lines (or comma separated) as tags; a line without `=` is a key with an empty value. */
export function tagsOfText(text: string): Array<{ key: string; value: string }> {
  return text
    .split(/[\n,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? { key: part, value: '' } : { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
    });
}

/** The pipeline's rules and newest deliveries; undefined when the principal may not read them (the panel is then not drawn). */
export async function loadNotificationSummary(pipelineName: string): Promise<NotificationSummary | undefined> {
  try {
    const data = await request<{ notificationRules: NotificationRule[]; notificationDeliveries: NotificationDelivery[] }>(
      `query Notifications($p: String!) {
        notificationRules(pipelineName: $p) { ${RULE_FIELDS} }
        notificationDeliveries(pipelineName: $p, first: 50) { idempotencyKey ruleName targetType eventTypeId executionId status attempts lastError nextAttemptAt updatedAt }
      }`,
      { p: pipelineName },
    );
    return { rules: data.notificationRules, deliveries: data.notificationDeliveries };
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'FORBIDDEN') return undefined;
    throw error;
  }
}

/** `codepipeline-pipeline-pipeline-execution-failed` → `execution failed`. */
export const eventLabel = (eventTypeId: string): string => eventTypeId.replace(/^codepipeline-pipeline-(pipeline-)?/, '').replace(/-/g, ' ');
