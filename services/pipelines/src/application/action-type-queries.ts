import { actionTypeKey, type ActionCategory, type ActionOwner, type ActionTypeDefinition, type Tag } from '@sluice/domain';
import { describeCustomActionType, type CustomActionTypeId } from '../domain/custom-action-type/custom-action-type';
import { NotFoundError } from '../domain/errors';
import type { ActionTypeReadModel } from '../projections/action-type-read-model';
import type { Caller } from './caller';

export interface ActionTypeListing {
  actionType: ActionTypeDefinition;
  tags: Tag[];
}

export class ActionTypeQueries {
  constructor(private readonly readModel: () => ActionTypeReadModel) {}

  /** Built-in and custom action types of the caller's account, optionally of one owner and category. */
  listActionTypes(caller: Caller, filter: { owner?: ActionOwner | null; category?: ActionCategory | null; includeDeleted?: boolean | null }): ActionTypeListing[] {
    const tags = new Map(this.readModel().customActionTypes(caller.account).map((view) => [actionTypeKey(view.actionType.id), view.tags]));
    const deleted = filter.includeDeleted ? this.readModel().deletedCustomActionTypes(caller.account).map((view) => view.actionType) : [];
    return [...this.readModel().registryFor(caller.account).list(), ...deleted]
      .filter(({ id }) => (!filter.owner || id.owner === filter.owner) && (!filter.category || id.category === filter.category))
      .map((actionType) => ({ actionType, tags: tags.get(actionTypeKey(actionType.id)) ?? [] }));
  }

  /** Any action type the account's definitions may use: a built-in one (AWS- or Sluice-owned) or one of its custom types. */
  getActionType(caller: Caller, id: { category: string; owner: string; provider: string; version: string }): ActionTypeListing {
    const found = this.readModel().registryFor(caller.account).find(id);
    if (!found) throw new NotFoundError('custom action type', actionTypeKey(id), `The action type ${id.owner}/${id.category}/${id.provider}/${id.version} does not exist in this account.`);
    if (found.id.owner !== 'Custom' && found.id.owner !== 'ThirdParty') return { actionType: found, tags: [] };
    const key = actionTypeKey(found.id);
    const tags = this.readModel().customActionTypes(caller.account).find((view) => actionTypeKey(view.actionType.id) === key)?.tags ?? [];
    return { actionType: found, tags };
  }

  /** The account's type of this category, provider and version: its own (Custom) or a partner's it registered (ThirdParty). */
  getCustomActionType(caller: Caller, id: CustomActionTypeId): ActionTypeListing {
    const keys = new Set(['Custom', 'ThirdParty'].map((owner) => actionTypeKey({ ...id, owner })));
    const found = this.readModel().customActionTypes(caller.account).find((view) => keys.has(actionTypeKey(view.actionType.id)));
    if (!found) throw new NotFoundError('custom action type', describeCustomActionType(id));
    return { actionType: found.actionType, tags: found.tags };
  }
}
