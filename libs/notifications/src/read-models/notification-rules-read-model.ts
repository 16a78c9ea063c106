import { assertNever } from '@sluice/domain';
import { isNotificationRuleEvent, parseNotificationRuleStreamId, type NotificationEventTypeId, type NotificationRuleDefinitionData, type NotificationRuleEvent } from '@sluice/contracts';

/** A rule as it is now; the sealed secrets stay here, every answer to a caller leaves them out. */
export interface NotificationRuleView {
  account: string;
  ruleId: string;
  definition: NotificationRuleDefinitionData;
  created: string;
  createdBy: string;
  deleted: boolean;
}

/** Each account's rules by name, and every rule ever created by its id (a delivery names its rule by id). */
export class NotificationRulesReadModel {
  private readonly accounts = new Map<string, Map<string, NotificationRuleView>>();
  private readonly byId = new Map<string, NotificationRuleView>();

  apply(recorded: { streamId: string; type: string; data: unknown }): boolean {
    const id = parseNotificationRuleStreamId(recorded.streamId);
    if (!id || !isNotificationRuleEvent(recorded)) return false;
    const event = { type: recorded.type, data: recorded.data } as NotificationRuleEvent;
    const rules = this.accounts.get(id.account) ?? new Map<string, NotificationRuleView>();
    this.accounts.set(id.account, rules);
    switch (event.type) {
      case 'NotificationRuleCreated': {
        const view: NotificationRuleView = { account: id.account, ruleId: event.data.ruleId, definition: event.data.definition, created: event.data.at, createdBy: event.data.by, deleted: false };
        rules.set(id.name, view);
        this.byId.set(view.ruleId, view);
        return true;
      }
      case 'NotificationRuleDeleted': {
        rules.delete(id.name);
        const existing = this.byId.get(event.data.ruleId);
        if (existing) this.byId.set(event.data.ruleId, { ...existing, deleted: true });
        return true;
      }
      default:
        return assertNever(event);
    }
  }

  getRule(account: string, name: string): NotificationRuleView | undefined {
    return this.accounts.get(account)?.get(name);
  }

  /** Every rule ever created, deleted ones included (what a rebuild compares). */
  listAll(): NotificationRuleView[] {
    return [...this.byId.values()];
  }

  ruleById(ruleId: string): NotificationRuleView | undefined {
    return this.byId.get(ruleId);
  }

  /** The account's rules by name, optionally those of one pipeline. */
  listRules(account: string, pipelineName?: string): NotificationRuleView[] {
    return [...(this.accounts.get(account)?.values() ?? [])]
      .filter((rule) => pipelineName === undefined || rule.definition.pipelineName === pipelineName)
      .sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
  }

  /** The enabled rules of the pipeline that ask for this event type. */
  rulesFor(account: string, pipelineName: string, eventTypeId: NotificationEventTypeId): NotificationRuleView[] {
    return this.listRules(account, pipelineName).filter((rule) => rule.definition.status === 'ENABLED' && rule.definition.eventTypeIds.includes(eventTypeId));
  }
}
