import { validateCustomActionType, ValidationError, type ActionTypeRegistry } from '@sluice/domain';
import { assertNever, type Decider } from '@sluice/domain';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors';
import {
  describeCustomActionType,
  type CreateCustomActionType,
  type CustomActionTypeCommand,
  type CustomActionTypeEvent,
  type CustomActionTypeState,
  type DeleteCustomActionType,
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
  if (state.status === 'Deleted') {
    throw new ConflictError(`The action type ${name} was deleted; a deleted custom action type cannot be created again. Use a new version.`, 'ACTION_TYPE_ALREADY_EXISTS');
  }
  const { now, actor } = command.metadata;
  return [{ type: 'CustomActionTypeCreated', data: { actionType, tags, created: now, createdBy: actor } }];
}

function deleteCustomActionType(command: DeleteCustomActionType, state: CustomActionTypeState): CustomActionTypeEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('custom action type', describeCustomActionType(command.id));
  const { now, actor } = command.metadata;
  return [{ type: 'CustomActionTypeDeleted', data: { ...command.id, deleted: now, deletedBy: actor } }];
}

export function evolveCustomActionType(state: CustomActionTypeState, event: CustomActionTypeEvent): CustomActionTypeState {
  switch (event.type) {
    case 'CustomActionTypeCreated':
      return { status: 'Active', actionType: event.data.actionType };
    case 'CustomActionTypeDeleted':
      return state.status === 'Active' ? { status: 'Deleted', actionType: state.actionType } : state;
    default:
      return assertNever(event);
  }
}
