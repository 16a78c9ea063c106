import type { CommandMetadata, PipelineDeclaration, Tag } from '@sluice/domain';
import type { NotificationRuleDefinitionData, NotificationRuleEvent } from '@sluice/contracts';

/** A notification rule of an account, `notificationrule-{account}.{name}` (decision 0044). */
export type NotificationRuleCommand = CreateNotificationRule | UpdateNotificationRule | TagNotificationRule | UntagNotificationRule | DeleteNotificationRule;

/**
 * `rule` is the caller's input, untrusted. Each Webhook target's secret arrives sealed beside it, by target index
 * (sealing needs the master key: I/O, done by the handler); the decider checks the clear one and stores only the
 * sealed one. `ruleId` is fresh and random: a rule deleted and created again owes its notifications anew.
 */
export interface CreateNotificationRule {
  type: 'CreateNotificationRule';
  rule: unknown;
  sealedSecrets: ReadonlyMap<number, string>;
  ruleId: string;
  metadata: CommandMetadata;
}

/**
 * `changes` is the caller's input, untrusted: `{ eventTypeIds?, targets?, status? }`, what it omits stays. `version` is
 * the rule's version the caller read: another is a ConflictError, so two people editing one rule never lose a change.
 * A Webhook target given without a secret keeps the one of the target it replaces (same index, a Webhook, same
 * address): its sealed form is in `keptSecrets`; a new secret arrives sealed in `sealedSecrets`, as on create.
 */
export interface UpdateNotificationRule {
  type: 'UpdateNotificationRule';
  name: string;
  changes: unknown;
  version: number;
  sealedSecrets: ReadonlyMap<number, string>;
  metadata: CommandMetadata;
}

/** Tags set on a rule; with `version`, refused when the rule changed since (without, they apply to the rule as it is). */
export interface TagNotificationRule {
  type: 'TagNotificationRule';
  name: string;
  tags: readonly Tag[];
  version?: number;
  metadata: CommandMetadata;
}

export interface UntagNotificationRule {
  type: 'UntagNotificationRule';
  name: string;
  tagKeys: readonly string[];
  version?: number;
  metadata: CommandMetadata;
}

export interface DeleteNotificationRule {
  type: 'DeleteNotificationRule';
  name: string;
  metadata: CommandMetadata;
}

export type { NotificationRuleEvent };

/** `version` counts the rule's events since it was created (1 after the create): what an update must name. */
export type NotificationRuleState =
  | { status: 'Absent' }
  | { status: 'Active'; definition: NotificationRuleDefinitionData; ruleId: string; version: number; tags: Tag[] }
  | { status: 'Deleted' };

/** The account's pipelines, as a rule names one. */
export interface NotificationRuleContext {
  pipeline(name: string): PipelineDeclaration | undefined;
}

export const NOTIFICATION_RULE_NAME_PATTERN = /^[A-Za-z0-9.@_-]{1,100}$/;

/** The name a command's input gives, when it can name a stream (else the decider refuses it). */
export function notificationRuleNameOf(command: NotificationRuleCommand): string | undefined {
  const name: unknown = command.type === 'CreateNotificationRule' ? (command.rule as { name?: unknown } | null | undefined)?.name : command.name;
  return typeof name === 'string' && NOTIFICATION_RULE_NAME_PATTERN.test(name) ? name : undefined;
}
