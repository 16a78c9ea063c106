import { actionTypeKey, ActionTypeRegistry, type ActionTypeDefinition, type Tag } from '@sluice/domain';
import type { RecordedEvent } from '@sluice/eventing';
import { assertNever } from '@sluice/domain';
import { ACTION_TYPE_STREAM_PREFIX, isCustomActionTypeEvent, type CustomActionTypeEvent } from '../domain/custom-action-type/custom-action-type';

export interface CustomActionTypeView {
  actionType: ActionTypeDefinition;
  tags: Tag[];
  created: string;
  createdBy: string;
}

const builtIn = ActionTypeRegistry.builtIn();

/** Each account's custom action types, folded from `actiontype-` streams; with the built-ins, the account's registry. */
export class ActionTypeReadModel {
  private readonly accounts = new Map<string, Map<string, CustomActionTypeView>>();
  /** Deleted types, whose jobs definitions stored before the delete still make (their workers keep polling). */
  private readonly deletedOfAccount = new Map<string, Map<string, CustomActionTypeView>>();
  private readonly registries = new Map<string, ActionTypeRegistry>();

  apply(recorded: RecordedEvent): void {
    if (!recorded.streamId.startsWith(ACTION_TYPE_STREAM_PREFIX) || !isCustomActionTypeEvent(recorded)) return;
    const account = recorded.streamId.slice(ACTION_TYPE_STREAM_PREFIX.length).split('.')[0]!;
    const event = { type: recorded.type, data: recorded.data } as CustomActionTypeEvent;
    const types = this.accounts.get(account) ?? new Map<string, CustomActionTypeView>();
    this.accounts.set(account, types);
    const deleted = this.deletedOfAccount.get(account) ?? new Map<string, CustomActionTypeView>();
    this.deletedOfAccount.set(account, deleted);
    this.registries.delete(account);
    switch (event.type) {
      case 'CustomActionTypeCreated': {
        const { actionType, tags, created, createdBy } = event.data;
        types.set(actionTypeKey(actionType.id), { actionType, tags, created, createdBy });
        deleted.delete(actionTypeKey(actionType.id));
        return;
      }
      case 'CustomActionTypeUpdated': {
        const key = actionTypeKey(event.data.actionType.id);
        const current = types.get(key);
        if (current) types.set(key, { ...current, actionType: event.data.actionType });
        return;
      }
      case 'CustomActionTypeDeleted': {
        // The stream is the category, provider and version: one type, registered as Custom or as a partner's (ThirdParty).
        const key = ['Custom', 'ThirdParty'].map((owner) => actionTypeKey({ ...event.data, owner })).find((candidate) => types.has(candidate)) ?? actionTypeKey({ ...event.data, owner: 'Custom' });
        const view = types.get(key);
        if (view) deleted.set(key, view);
        types.delete(key);
        return;
      }
      default:
        assertNever(event);
    }
  }

  /** Everything folded (the registries are a cache of it, left out): what a rebuilt copy must equal. */
  contents() {
    return { active: this.accounts, deleted: this.deletedOfAccount };
  }

  customActionTypes(account: string): CustomActionTypeView[] {
    return [...(this.accounts.get(account)?.values() ?? [])];
  }

  /** The account's deleted custom types: no definition may use them any more, but stored ones still run. */
  deletedCustomActionTypes(account: string): CustomActionTypeView[] {
    return [...(this.deletedOfAccount.get(account)?.values() ?? [])];
  }

  /** Built-ins plus the account's custom action types: what its definitions may use. */
  registryFor(account: string): ActionTypeRegistry {
    let registry = this.registries.get(account);
    if (!registry) {
      registry = builtIn.withCustom(this.customActionTypes(account).map((view) => view.actionType));
      this.registries.set(account, registry);
    }
    return registry;
  }
}
