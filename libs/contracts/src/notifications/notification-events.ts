/**
 * Notification rules and their deliveries (issue 21, decision 0044). A rule is an account's resource, kept by the
 * pipelines service in `notificationrule-{account}.{name}`; the notifier reads the rules and the executions' events
 * and records each notification it owes, and every attempt to deliver it, in `notificationdelivery-{account}.{key}`,
 * the key derived from the rule, the source event's id and the target, so the same notification is never owed twice.
 */

/** CodePipeline's notification rule event type ids (AWS CodeStar Notifications), the ones Sluice emits. */
export const NOTIFICATION_EVENT_TYPE_IDS = [
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
export type NotificationEventTypeId = (typeof NOTIFICATION_EVENT_TYPE_IDS)[number];

export const NOTIFICATION_TARGET_TYPES = ['Webhook', 'Slack', 'Email'] as const;
export type NotificationTargetType = (typeof NOTIFICATION_TARGET_TYPES)[number];

/** A target as stored: a Webhook's secret only sealed (bound to the account, rule and target's index). */
export interface NotificationTargetData {
  type: NotificationTargetType;
  /** Webhook and Slack: the URL posted to; Email: the recipient's address. */
  address: string;
  sealedSecret?: string;
}

export interface NotificationRuleDefinitionData {
  name: string;
  pipelineName: string;
  eventTypeIds: NotificationEventTypeId[];
  targets: NotificationTargetData[];
  status: 'ENABLED' | 'DISABLED';
}

export interface NotificationRuleCreated {
  type: 'NotificationRuleCreated';
  data: { definition: NotificationRuleDefinitionData; ruleId: string; at: string; by: string };
}

export interface NotificationRuleDeleted {
  type: 'NotificationRuleDeleted';
  data: { name: string; ruleId: string; at: string; by: string };
}

/** The rule's event types, targets or status changed (issue 21): `definition` is the whole rule as it is now. */
export interface NotificationRuleUpdated {
  type: 'NotificationRuleUpdated';
  data: { definition: NotificationRuleDefinitionData; ruleId: string; at: string; by: string };
}

/** Tags set on the rule (a key given again takes the new value). */
export interface NotificationRuleTagged {
  type: 'NotificationRuleTagged';
  data: { ruleId: string; tags: Array<{ key: string; value: string }>; at: string; by: string };
}

export interface NotificationRuleUntagged {
  type: 'NotificationRuleUntagged';
  data: { ruleId: string; tagKeys: string[]; at: string; by: string };
}

export type NotificationRuleEvent = NotificationRuleCreated | NotificationRuleUpdated | NotificationRuleTagged | NotificationRuleUntagged | NotificationRuleDeleted;

export const NOTIFICATION_RULE_EVENT_TYPES = [
  'NotificationRuleCreated',
  'NotificationRuleUpdated',
  'NotificationRuleTagged',
  'NotificationRuleUntagged',
  'NotificationRuleDeleted',
] as const satisfies ReadonlyArray<NotificationRuleEvent['type']>;

export function isNotificationRuleEvent(event: { type: string }): event is NotificationRuleEvent {
  return (NOTIFICATION_RULE_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** What a webhook target's sealed secret is bound to: copied onto another rule or target, it does not open. */
export function notificationTargetSecretBinding(account: string, ruleName: string, targetIndex: number): string {
  return `notification-target\u0000${account}\u0000${ruleName}\u0000${targetIndex}`;
}

/** What a notification says: the facts, and the dashboard's deep link to the execution or the approval. */
export interface NotificationMessage {
  eventTypeId: NotificationEventTypeId;
  account: string;
  pipelineName: string;
  executionId: string;
  stageName: string | null;
  actionName: string | null;
  /** One line a person reads: what happened, where. */
  summary: string;
  detail: string | null;
  link: string;
  occurredAt: string;
}

/** The notifier owes this notification to this target (appended once: the stream's first event). */
export interface NotificationDeliveryRequested {
  type: 'NotificationDeliveryRequested';
  data: {
    idempotencyKey: string;
    ruleName: string;
    ruleId: string;
    targetIndex: number;
    targetType: NotificationTargetType;
    sourceEventId: string;
    message: NotificationMessage;
    at: string;
  };
}

export interface NotificationDeliveryAttempted {
  type: 'NotificationDeliveryAttempted';
  data: { attempt: number; at: string };
}

export interface NotificationDeliverySucceeded {
  type: 'NotificationDeliverySucceeded';
  data: { attempt: number; at: string };
}

/** `nextAttemptAt` when it will be tried again, null when the attempts are spent (the delivery failed for good). */
export interface NotificationDeliveryFailed {
  type: 'NotificationDeliveryFailed';
  data: { attempt: number; error: string; nextAttemptAt: string | null; at: string };
}

export type NotificationDeliveryEvent = NotificationDeliveryRequested | NotificationDeliveryAttempted | NotificationDeliverySucceeded | NotificationDeliveryFailed;

export const NOTIFICATION_DELIVERY_EVENT_TYPES = [
  'NotificationDeliveryRequested',
  'NotificationDeliveryAttempted',
  'NotificationDeliverySucceeded',
  'NotificationDeliveryFailed',
] as const satisfies ReadonlyArray<NotificationDeliveryEvent['type']>;

export function isNotificationDeliveryEvent(event: { type: string }): event is NotificationDeliveryEvent {
  return (NOTIFICATION_DELIVERY_EVENT_TYPES as readonly string[]).includes(event.type);
}
