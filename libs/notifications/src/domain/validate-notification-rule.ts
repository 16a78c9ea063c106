import { checkString, IssueCollector, NotFoundError, PIPELINE_NAME_RULE, ValidationError } from '@sluice/domain';
import {
  NOTIFICATION_EVENT_TYPE_IDS,
  NOTIFICATION_TARGET_TYPES,
  type NotificationEventTypeId,
  type NotificationRuleDefinitionData,
  type NotificationTargetType,
} from '@sluice/contracts';
import type { NotificationRuleContext } from './notification-rule';

export const MAX_NOTIFICATION_TARGETS = 10;
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
export const MAX_WEBHOOK_SECRET_LENGTH = 256;
const MAX_ADDRESS_LENGTH = 2048;
// One address, no display name: what an SMTP RCPT TO takes, and nothing that could inject a header.
const EMAIL_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The definition as stored (targets without their secrets), and each Webhook target's secret in clear by index. */
export interface ValidNotificationRule {
  definition: Omit<NotificationRuleDefinitionData, 'targets'> & { targets: Array<{ type: NotificationTargetType; address: string }> };
  secrets: Map<number, string>;
}

/**
 * A rule as the caller gave it: `{ name, pipelineName, eventTypeIds, targets: [{ type, address, secret? }], status? }`.
 * Every issue is reported at once, each at its JSON path under `rule`; a pipeline the account lacks is
 * PIPELINE_NOT_FOUND. The webhook targets' addresses are checked for their form here; where they may point
 * (loopback, private networks) is the notifier's outbound policy, checked at each delivery.
 */
export function validateNotificationRule(rule: unknown, context: NotificationRuleContext): ValidNotificationRule {
  if (!isObject(rule)) throw new ValidationError([{ path: 'rule', code: 'required', message: 'rule is required and must be an object.' }], 'The notification rule cannot be created');
  const issues = new IssueCollector();
  for (const key of Object.keys(rule)) {
    if (!['name', 'pipelineName', 'eventTypeIds', 'targets', 'status'].includes(key)) issues.add(`rule.${key}`, 'unknown', `${key} is not a member of a notification rule.`);
  }
  const name = requiredName(rule.name, 'Rule name', 'rule.name', issues);
  const pipelineName = requiredName(rule.pipelineName, 'Pipeline name', 'rule.pipelineName', issues);
  const eventTypeIds = checkEventTypeIds(rule.eventTypeIds, 'rule', issues);
  const secrets = new Map<number, string>();
  const targets = checkTargets(rule.targets, 'rule', secrets, () => false, issues);
  const status = checkStatus(rule.status, 'rule', issues) ?? 'ENABLED';
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The notification rule cannot be created');
  if (context.pipeline(pipelineName!) === undefined) throw new NotFoundError('pipeline', pipelineName!);
  return { definition: { name: name!, pipelineName: pipelineName!, eventTypeIds: eventTypeIds!, targets: targets!, status }, secrets };
}

function requiredName(value: unknown, label: string, path: string, issues: IssueCollector): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, 'required', `${label} is required and must be a string.`);
    return undefined;
  }
  return checkString(value, { label, ...PIPELINE_NAME_RULE }, path, issues) ? value : undefined;
}

/** What an update changes: the rule as it will be, each new Webhook secret in clear by index, and the indexes that keep theirs. */
export interface ValidNotificationRuleChanges extends ValidNotificationRule {
  kept: Set<number>;
}

/**
 * An update's `changes`: `{ eventTypeIds?, targets?, status? }` (at least one), each checked as on create, at its path
 * under `changes`. A Webhook target without a secret keeps the one of the target it replaces when that target was a
 * Webhook at the same index and address (the secret is sealed to the index; a new address needs its secret again).
 */
export function validateNotificationRuleChanges(changes: unknown, existing: NotificationRuleDefinitionData): ValidNotificationRuleChanges {
  const refused = 'The notification rule cannot be updated';
  if (!isObject(changes)) throw new ValidationError([{ path: 'changes', code: 'required', message: 'changes is required and must be an object.' }], refused);
  const issues = new IssueCollector();
  const members = ['eventTypeIds', 'targets', 'status'];
  for (const key of Object.keys(changes)) {
    if (!members.includes(key)) issues.add(`changes.${key}`, 'unknown', `${key} cannot be changed (only ${members.join(', ')}; a rule's name and pipeline are its identity).`);
  }
  if (!members.some((key) => changes[key] !== undefined && changes[key] !== null)) issues.add('changes', 'required', `changes names nothing to change: give one of ${members.join(', ')}.`);
  const eventTypeIds = changes.eventTypeIds == null ? existing.eventTypeIds : checkEventTypeIds(changes.eventTypeIds, 'changes', issues);
  const secrets = new Map<number, string>();
  const kept = new Set<number>();
  const mayKeep = (index: number, address: string) => {
    const before = existing.targets[index];
    const keeps = before?.type === 'Webhook' && before.address === address && before.sealedSecret !== undefined;
    if (keeps) kept.add(index);
    return keeps;
  };
  const targets = changes.targets == null ? existing.targets.map(({ type, address }) => ({ type, address })) : checkTargets(changes.targets, 'changes', secrets, mayKeep, issues);
  if (changes.targets == null) existing.targets.forEach((target, index) => target.sealedSecret !== undefined && kept.add(index));
  const status = checkStatus(changes.status, 'changes', issues) ?? existing.status;
  if (issues.count > 0) throw new ValidationError(issues.issues, refused);
  return { definition: { name: existing.name, pipelineName: existing.pipelineName, eventTypeIds: eventTypeIds!, targets: targets!, status }, secrets, kept };
}

function checkStatus(value: unknown, root: string, issues: IssueCollector): 'ENABLED' | 'DISABLED' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'ENABLED' || value === 'DISABLED') return value;
  issues.add(`${root}.status`, 'enum', 'status must be ENABLED or DISABLED.');
  return undefined;
}

function checkEventTypeIds(value: unknown, root: string, issues: IssueCollector): NotificationEventTypeId[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(`${root}.eventTypeIds`, 'required', 'eventTypeIds is required: a non-empty list of event type ids.');
    return undefined;
  }
  const ids: NotificationEventTypeId[] = [];
  value.forEach((id, index) => {
    if (typeof id === 'string' && (NOTIFICATION_EVENT_TYPE_IDS as readonly string[]).includes(id)) {
      if (!ids.includes(id as NotificationEventTypeId)) ids.push(id as NotificationEventTypeId);
    } else issues.add(`${root}.eventTypeIds[${index}]`, 'enum', `${JSON.stringify(id)} is not an event type id; one of: ${NOTIFICATION_EVENT_TYPE_IDS.join(', ')}.`);
  });
  return ids;
}

function checkTargets(
  value: unknown,
  root: string,
  secrets: Map<number, string>,
  mayKeepSecret: (index: number, address: string) => boolean,
  issues: IssueCollector,
): Array<{ type: NotificationTargetType; address: string }> | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_NOTIFICATION_TARGETS) {
    issues.add(`${root}.targets`, 'required', `targets is required: a list of 1 to ${MAX_NOTIFICATION_TARGETS} targets.`);
    return undefined;
  }
  const targets: Array<{ type: NotificationTargetType; address: string }> = [];
  value.forEach((target, index) => {
    const path = `${root}.targets[${index}]`;
    if (!isObject(target)) {
      issues.add(path, 'required', 'A target is an object: { type, address, secret? }.');
      return;
    }
    for (const key of Object.keys(target)) {
      if (!['type', 'address', 'secret'].includes(key)) issues.add(`${path}.${key}`, 'unknown', `${key} is not a member of a target.`);
    }
    const type = target.type;
    if (typeof type !== 'string' || !(NOTIFICATION_TARGET_TYPES as readonly string[]).includes(type)) {
      issues.add(`${path}.type`, 'enum', `type must be one of ${NOTIFICATION_TARGET_TYPES.join(', ')}.`);
      return;
    }
    const address = target.address;
    if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) {
      issues.add(`${path}.address`, 'required', `address is required: ${type === 'Email' ? 'an email address' : 'an http(s) URL'} of at most ${MAX_ADDRESS_LENGTH} characters.`);
      return;
    }
    if (type === 'Email') {
      if (!EMAIL_ADDRESS.test(address)) issues.add(`${path}.address`, 'format', `'${address}' is not an email address (local@domain, no display name).`);
    } else if (!isHttpUrl(address)) {
      issues.add(`${path}.address`, 'format', `'${address}' is not an absolute http or https URL without credentials.`);
    }
    const secret = target.secret;
    if (type === 'Webhook') {
      if ((secret === undefined || secret === null) && mayKeepSecret(index, address)) {
        // keeps the secret it had
      } else if (typeof secret !== 'string' || secret.length < MIN_WEBHOOK_SECRET_LENGTH || secret.length > MAX_WEBHOOK_SECRET_LENGTH) {
        issues.add(`${path}.secret`, 'required', `A Webhook target needs a secret of ${MIN_WEBHOOK_SECRET_LENGTH} to ${MAX_WEBHOOK_SECRET_LENGTH} characters: the key of the signature over each body.`);
      } else secrets.set(index, secret);
    } else if (secret !== undefined && secret !== null) {
      issues.add(`${path}.secret`, 'unknown', `A ${type} target takes no secret (a Slack incoming webhook's URL is its secret).`);
    }
    targets.push({ type: type as NotificationTargetType, address });
  });
  return targets;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
