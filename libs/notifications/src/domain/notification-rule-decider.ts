import { assertNever, checkTags, ConflictError, IssueCollector, mergeTags, NotFoundError, ValidationError, withoutTags, type Decider } from '@sluice/domain';
import type { NotificationRuleEvent } from '@sluice/contracts';
import type {
  CreateNotificationRule,
  DeleteNotificationRule,
  NotificationRuleCommand,
  NotificationRuleContext,
  NotificationRuleState,
  TagNotificationRule,
  UntagNotificationRule,
  UpdateNotificationRule,
} from './notification-rule';
import { validateNotificationRule, validateNotificationRuleChanges } from './validate-notification-rule';

type ActiveRule = Extract<NotificationRuleState, { status: 'Active' }>;

export const notificationRuleDecider: Decider<NotificationRuleCommand, NotificationRuleEvent, NotificationRuleState, NotificationRuleContext> = {
  initialState: { status: 'Absent' },
  evolve: evolveNotificationRule,
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateNotificationRule':
        return createRule(command, state, context);
      case 'UpdateNotificationRule':
        return updateRule(command, state);
      case 'TagNotificationRule':
        return tagRule(command, state);
      case 'UntagNotificationRule':
        return untagRule(command, state);
      case 'DeleteNotificationRule':
        return deleteRule(command, state);
      default:
        return assertNever(command);
    }
  },
};

function createRule(command: CreateNotificationRule, state: NotificationRuleState, context: NotificationRuleContext): NotificationRuleEvent[] {
  const { definition, secrets } = validateNotificationRule(command.rule, context);
  if (state.status === 'Active') throw new ConflictError(`The notification rule '${definition.name}' exists already; delete it first to replace it.`);
  const targets = definition.targets.map((target, index) => {
    if (!secrets.has(index)) return target;
    const sealedSecret = command.sealedSecrets.get(index);
    if (sealedSecret === undefined) throw new Error('a target secret was not sealed before deciding');
    return { ...target, sealedSecret };
  });
  const { now, actor } = command.metadata;
  return [{ type: 'NotificationRuleCreated', data: { definition: { ...definition, targets }, ruleId: command.ruleId, at: now, by: actor } }];
}

/** The rule as it is now, at the version the caller read (when it names one). */
function activeAt(state: NotificationRuleState, name: string, version: number | undefined): ActiveRule {
  if (state.status !== 'Active') throw new NotFoundError('notification rule', name);
  if (version !== undefined && version !== state.version) {
    throw new ConflictError(`The notification rule '${name}' is at version ${state.version}, not ${version}: someone changed it since you read it; read it again and retry.`);
  }
  return state;
}

function updateRule(command: UpdateNotificationRule, state: NotificationRuleState): NotificationRuleEvent[] {
  const rule = activeAt(state, command.name, command.version);
  const { definition, secrets, kept } = validateNotificationRuleChanges(command.changes, rule.definition);
  const targets = definition.targets.map((target, index) => {
    if (kept.has(index)) return { ...target, sealedSecret: rule.definition.targets[index]!.sealedSecret! };
    if (!secrets.has(index)) return target;
    const sealedSecret = command.sealedSecrets.get(index);
    if (sealedSecret === undefined) throw new Error('a target secret was not sealed before deciding');
    return { ...target, sealedSecret };
  });
  const { now, actor } = command.metadata;
  return [{ type: 'NotificationRuleUpdated', data: { definition: { ...definition, targets }, ruleId: rule.ruleId, at: now, by: actor } }];
}

function tagRule(command: TagNotificationRule, state: NotificationRuleState): NotificationRuleEvent[] {
  const rule = activeAt(state, command.name, command.version);
  const issues = new IssueCollector();
  if (command.tags.length === 0) issues.add('tags', 'required', 'tags is required: at least one { key, value }.');
  checkTags(command.tags, rule.tags, 'tags', issues);
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The notification rule cannot be tagged');
  return [{ type: 'NotificationRuleTagged', data: { ruleId: rule.ruleId, tags: command.tags.map(({ key, value }) => ({ key, value })), at: command.metadata.now, by: command.metadata.actor } }];
}

function untagRule(command: UntagNotificationRule, state: NotificationRuleState): NotificationRuleEvent[] {
  const rule = activeAt(state, command.name, command.version);
  if (command.tagKeys.length === 0) throw new ValidationError([{ path: 'tagKeys', code: 'required', message: 'tagKeys is required: at least one key.' }], 'The notification rule cannot be untagged');
  const present = command.tagKeys.filter((key) => rule.tags.some((tag) => tag.key === key));
  // Removing a key the rule does not have changes nothing (as CodePipeline's UntagResource): no event, no new version.
  if (present.length === 0) return [];
  return [{ type: 'NotificationRuleUntagged', data: { ruleId: rule.ruleId, tagKeys: [...new Set(present)], at: command.metadata.now, by: command.metadata.actor } }];
}

function deleteRule(command: DeleteNotificationRule, state: NotificationRuleState): NotificationRuleEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('notification rule', command.name);
  return [{ type: 'NotificationRuleDeleted', data: { name: command.name, ruleId: state.ruleId, at: command.metadata.now, by: command.metadata.actor } }];
}

export function evolveNotificationRule(state: NotificationRuleState, event: NotificationRuleEvent): NotificationRuleState {
  switch (event.type) {
    case 'NotificationRuleCreated':
      return { status: 'Active', definition: event.data.definition, ruleId: event.data.ruleId, version: 1, tags: [] };
    case 'NotificationRuleUpdated':
      return state.status === 'Active' ? { ...state, definition: event.data.definition, version: state.version + 1 } : state;
    case 'NotificationRuleTagged':
      return state.status === 'Active' ? { ...state, tags: mergeTags(state.tags, event.data.tags), version: state.version + 1 } : state;
    case 'NotificationRuleUntagged':
      return state.status === 'Active' ? { ...state, tags: withoutTags(state.tags, event.data.tagKeys), version: state.version + 1 } : state;
    case 'NotificationRuleDeleted':
      return { status: 'Deleted' };
    default:
      return assertNever(event);
  }
}
