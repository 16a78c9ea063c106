import { validateCustomActionType, ValidationError, type ActionTypeDefinition, type ActionTypeRegistry } from '@sluice/domain';
import { assertNever, type Decider } from '@sluice/domain';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors';
import {
  describeCustomActionType,
  type CreateCustomActionType,
  type CustomActionTypeCommand,
  type CustomActionTypeEvent,
  type CustomActionTypeState,
  type DeleteCustomActionType,
  type UpdateCustomActionType,
} from './custom-action-type';

/** The account's registry: a custom type may not take the id of a built-in one. */
export interface CustomActionTypeContext {
  actionTypes: ActionTypeRegistry;
}

export const customActionTypeDecider: Decider<CustomActionTypeCommand, CustomActionTypeEvent, CustomActionTypeState, CustomActionTypeContext> = {
  initialState: { status: 'Absent' },
  evolve: evolveCustomActionType,
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateCustomActionType':
        return createCustomActionType(command, state, context);
      case 'UpdateCustomActionType':
        return updateCustomActionType(command, state);
      case 'DeleteCustomActionType':
        return deleteCustomActionType(command, state);
      default:
        return assertNever(command);
    }
  },
};

function createCustomActionType(command: CreateCustomActionType, state: CustomActionTypeState, { actionTypes }: CustomActionTypeContext): CustomActionTypeEvent[] {
  const result = validateCustomActionType(command.input);
  if (!result.valid) throw new ValidationError(result.issues, 'The custom action type cannot be created');
  const { actionType, tags } = result;
  const name = describeCustomActionType(actionType.id);
  if (state.status === 'Active' || actionTypes.find(actionType.id)) throw new AlreadyExistsError(`The action type ${name} exists already.`, 'ACTION_TYPE_ALREADY_EXISTS');
  // CodePipeline restores a deleted type created again with the very definition it had; another needs a new version.
  if (state.status === 'Deleted' && !sameDefinition(state.actionType, actionType)) {
    throw new ConflictError(
      `The action type ${name} was deleted; it can be created again only with the definition it had (a restore). For another definition use a new version.`,
      'ACTION_TYPE_ALREADY_EXISTS',
    );
  }
  const { now, actor } = command.metadata;
  return [{ type: 'CustomActionTypeCreated', data: { actionType, tags, created: now, createdBy: actor } }];
}

function updateCustomActionType(command: UpdateCustomActionType, state: CustomActionTypeState): CustomActionTypeEvent[] {
  if (command.owner !== 'Custom') {
    // AWS-, Sluice- and ThirdParty-owned types are built in (or not the account's): nobody here can change them.
    throw new ValidationError(
      [{ path: '$.owner', code: 'not_custom', message: `Only Custom action types can be updated; ${JSON.stringify(command.owner)} types are built in.` }],
      'The action type cannot be updated',
    );
  }
  const result = validateCustomActionType(command.input);
  if (!result.valid) throw new ValidationError(result.issues, 'The action type cannot be updated');
  if (result.tags.length > 0) throw new ValidationError([{ path: '$.tags', code: 'not_updatable', message: 'Tags are given when the type is created; an update changes its definition only.' }], 'The action type cannot be updated');
  if (state.status !== 'Active') throw new NotFoundError('custom action type', describeCustomActionType(result.actionType.id));
  const actionType = withTypesKept(result.actionType, state.actionType);
  if (sameDefinition(state.actionType, actionType)) return [];
  const { now, actor } = command.metadata;
  return [{ type: 'CustomActionTypeUpdated', data: { actionType, updated: now, updatedBy: actor } }];
}

/**
 * CodePipeline's UpdateActionType has no type (String, Number, Boolean) for a property: a property the update names
 * without one keeps the type it had, so reading a type and writing it back changes nothing.
 */
function withTypesKept(next: ActionTypeDefinition, current: ActionTypeDefinition): ActionTypeDefinition {
  const typeOf = new Map(current.actionConfigurationProperties.map((property) => [property.name, property.type]));
  return {
    ...next,
    actionConfigurationProperties: next.actionConfigurationProperties.map((property) => {
      const kept = typeOf.get(property.name);
      return property.type === undefined && kept !== undefined ? { ...property, type: kept } : property;
    }),
  };
}

/** Key order aside, the same JSON: the validator builds both from requests. */
function sameDefinition(a: ActionTypeDefinition, b: ActionTypeDefinition): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function deleteCustomActionType(command: DeleteCustomActionType, state: CustomActionTypeState): CustomActionTypeEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('custom action type', describeCustomActionType(command.id));
  const { now, actor } = command.metadata;
  return [{ type: 'CustomActionTypeDeleted', data: { ...command.id, deleted: now, deletedBy: actor } }];
}

export function evolveCustomActionType(state: CustomActionTypeState, event: CustomActionTypeEvent): CustomActionTypeState {
  switch (event.type) {
    case 'CustomActionTypeCreated':
    case 'CustomActionTypeUpdated':
      return { status: 'Active', actionType: event.data.actionType };
    case 'CustomActionTypeDeleted':
      return state.status === 'Active' ? { status: 'Deleted', actionType: state.actionType } : state;
    default:
      return assertNever(event);
  }
}
