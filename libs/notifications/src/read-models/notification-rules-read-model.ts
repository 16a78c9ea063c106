import { assertNever, mergeTags, withoutTags, type Tag } from '@sluice/domain';
import { isNotificationRuleEvent, parseNotificationRuleStreamId, type NotificationEventTypeId, type NotificationRuleDefinitionData, type NotificationRuleEvent } from '@sluice/contracts';

/** A rule as it is now; the sealed secrets stay here, every answer to a caller leaves them out. */
export interface NotificationRuleView {
  account: string;
  ruleId: string;
  definition: NotificationRuleDefinitionData;
  created: string;
  createdBy: string;
  /** The rule's events since it was created (1 after the create): an update names the version it read. */
  version: number;
  updated: string;
  updatedBy: string;
  tags: Tag[];
  deleted: boolean;
}

/** A rule has the tag: the key, and the value when one is given. */
export interface NotificationRuleTagFilter {
  key: string;
  value?: string;
}

/** The rules as `NotificationRulesReadModel.snapshot` gives them: plain JSON. */
export interface RulesSnapshot {
  rules: NotificationRuleView[];
  names: Array<{ account: string; name: string; ruleId: string }>;
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
        const { at, by } = event.data;
        const view: NotificationRuleView = { account: id.account, ruleId: event.data.ruleId, definition: event.data.definition, created: at, createdBy: by, version: 1, updated: at, updatedBy: by, tags: [], deleted: false };
        rules.set(id.name, view);
        this.byId.set(view.ruleId, view);
        return true;
      }
      case 'NotificationRuleUpdated':
        this.change(rules, id.name, event.data, (view) => ({ ...view, definition: event.data.definition }));
        return true;
      case 'NotificationRuleTagged':
        this.change(rules, id.name, event.data, (view) => ({ ...view, tags: mergeTags(view.tags, event.data.tags) }));
        return true;
      case 'NotificationRuleUntagged':
        this.change(rules, id.name, event.data, (view) => ({ ...view, tags: withoutTags(view.tags, event.data.tagKeys) }));
        return true;
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

  /** A new view of the rule (views handed out are never changed in place), one version on. */
  private change(rules: Map<string, NotificationRuleView>, name: string, at: { ruleId: string; at: string; by: string }, changed: (view: NotificationRuleView) => NotificationRuleView): void {
    const existing = rules.get(name);
    if (existing === undefined || existing.ruleId !== at.ruleId) return;
    const view = { ...changed(existing), version: existing.version + 1, updated: at.at, updatedBy: at.by };
    rules.set(name, view);
    this.byId.set(view.ruleId, view);
  }

  /** Every rule as plain JSON, with the name each live one is found by: what `restore` takes (decision 0064). */
  snapshot(): RulesSnapshot {
    const names = [...this.accounts.entries()].flatMap(([account, rules]) => [...rules.entries()].map(([name, view]) => ({ account, name, ruleId: view.ruleId })));
    return { rules: this.listAll(), names };
  }

  /** Replaces what is folded with a snapshot of another instance taken after the same events. */
  restore(snapshot: RulesSnapshot): void {
    this.accounts.clear();
    this.byId.clear();
    for (const view of snapshot.rules) this.byId.set(view.ruleId, view);
    for (const { account, name, ruleId } of snapshot.names) {
      const view = this.byId.get(ruleId);
      if (view === undefined) throw new Error(`the rules' snapshot names ${account}/${name} as rule ${ruleId}, which it does not hold`);
      const rules = this.accounts.get(account) ?? new Map<string, NotificationRuleView>();
      rules.set(name, view);
      this.accounts.set(account, rules);
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

  /** The account's rules by name, optionally those of one pipeline, optionally those with a tag. */
  listRules(account: string, pipelineName?: string, tag?: NotificationRuleTagFilter): NotificationRuleView[] {
    return [...(this.accounts.get(account)?.values() ?? [])]
      .filter((rule) => pipelineName === undefined || rule.definition.pipelineName === pipelineName)
      .filter((rule) => tag === undefined || rule.tags.some((t) => t.key === tag.key && (tag.value === undefined || t.value === tag.value)))
      .sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
  }

  /** The enabled rules of the pipeline that ask for this event type. */
  rulesFor(account: string, pipelineName: string, eventTypeId: NotificationEventTypeId): NotificationRuleView[] {
    return this.listRules(account, pipelineName).filter((rule) => rule.definition.status === 'ENABLED' && rule.definition.eventTypeIds.includes(eventTypeId));
  }
}
