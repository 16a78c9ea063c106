import { assertNever, ConflictError, NotFoundError, type Decider } from '@sluice/domain';
import type { NotificationRuleEvent } from '@sluice/contracts';
import type { CreateNotificationRule, DeleteNotificationRule, NotificationRuleCommand, NotificationRuleContext, NotificationRuleState } from './notification-rule';
import { validateNotificationRule } from './validate-notification-rule';

export const notificationRuleDecider: Decider<NotificationRuleCommand, NotificationRuleEvent, NotificationRuleState, NotificationRuleContext> = {
  initialState: { status: 'Absent' },
  evolve: evolveNotificationRule,
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateNotificationRule':
        return createRule(command, state, context);
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

function deleteRule(command: DeleteNotificationRule, state: NotificationRuleState): NotificationRuleEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('notification rule', command.name);
  return [{ type: 'NotificationRuleDeleted', data: { name: command.name, ruleId: state.ruleId, at: command.metadata.now, by: command.metadata.actor } }];
}

export function evolveNotificationRule(state: NotificationRuleState, event: NotificationRuleEvent): NotificationRuleState {
  switch (event.type) {
    case 'NotificationRuleCreated':
      return { status: 'Active', definition: event.data.definition, ruleId: event.data.ruleId };
    case 'NotificationRuleDeleted':
      return { status: 'Deleted' };
    default:
      return assertNever(event);
  }
}
