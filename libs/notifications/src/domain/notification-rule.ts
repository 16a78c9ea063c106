import type { CommandMetadata, PipelineDeclaration } from '@sluice/domain';
import type { NotificationRuleDefinitionData, NotificationRuleEvent } from '@sluice/contracts';

/** A notification rule of an account, `notificationrule-{account}.{name}` (decision 0044). */
export type NotificationRuleCommand = CreateNotificationRule | DeleteNotificationRule;

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

export interface DeleteNotificationRule {
  type: 'DeleteNotificationRule';
  name: string;
  metadata: CommandMetadata;
}

export type { NotificationRuleEvent };

export type NotificationRuleState = { status: 'Absent' } | { status: 'Active'; definition: NotificationRuleDefinitionData; ruleId: string } | { status: 'Deleted' };

/** The account's pipelines, as a rule names one. */
export interface NotificationRuleContext {
  pipeline(name: string): PipelineDeclaration | undefined;
}

export const NOTIFICATION_RULE_NAME_PATTERN = /^[A-Za-z0-9.@_-]{1,100}$/;

/** The name a command's input gives, when it can name a stream (else the decider refuses it). */
export function notificationRuleNameOf(command: NotificationRuleCommand): string | undefined {
  const name = command.type === 'CreateNotificationRule' ? (command.rule as { name?: unknown } | null | undefined)?.name : command.name;
  return typeof name === 'string' && NOTIFICATION_RULE_NAME_PATTERN.test(name) ? name : undefined;
}
