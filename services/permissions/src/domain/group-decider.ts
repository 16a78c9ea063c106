import { assertNever, type CommandMetadata, ConflictError, type Decider, IssueCollector, NotFoundError, ValidationError } from '@sluice/domain';
import type { AttachedPolicy } from './attached-policy';
import { checkName } from './identity-names';
import type { GroupEvent } from '@sluice/contracts';
import { decideAttach, decideDetach, evolvePolicies } from './policy-set';

export type GroupCommand =
  | { type: 'CreateGroup'; groupName: string; metadata: CommandMetadata }
  | { type: 'AddUserToGroup'; groupName: string; userName: string; metadata: CommandMetadata }
  | { type: 'AttachPolicy'; groupName: string; policy: AttachedPolicy; metadata: CommandMetadata }
  | { type: 'DetachPolicy'; groupName: string; policyName: string; metadata: CommandMetadata };

export type GroupState = { status: 'None' } | { status: 'Active'; members: readonly string[]; policies: readonly string[] };

export interface GroupContext {
  accountExists: boolean;
  /** Whether the user named by AddUserToGroup exists in the account. */
  userExists: boolean;
}

export const groupDecider: Decider<GroupCommand, GroupEvent, GroupState, GroupContext> = {
  initialState: { status: 'None' },
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateGroup': {
        const issues = new IssueCollector();
        checkName(command.groupName, 'The group name', 'groupName', issues);
        if (issues.count > 0) throw new ValidationError(issues.issues, 'The group is not valid');
        if (!context.accountExists) throw new NotFoundError('account', command.metadata.account);
        if (state.status !== 'None') throw new ConflictError(`The account '${command.metadata.account}' already has a group named '${command.groupName}'.`, 'GROUP_NAME_IN_USE');
        return [{ type: 'GroupCreated', data: { account: command.metadata.account, groupName: command.groupName, createdAt: command.metadata.now } }];
      }
      case 'AddUserToGroup': {
        const group = existing(state, command.groupName);
        if (!context.userExists) throw new NotFoundError('user', command.userName);
        if (group.members.includes(command.userName)) return [];
        return [{ type: 'UserAddedToGroup', data: { userName: command.userName } }];
      }
      case 'AttachPolicy':
        return decideAttach(`The group '${command.groupName}'`, existing(state, command.groupName).policies, command.policy);
      case 'DetachPolicy':
        return decideDetach(`The group '${command.groupName}'`, existing(state, command.groupName).policies, command.policyName);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'GroupCreated':
        return { status: 'Active', members: [], policies: [] };
      case 'UserAddedToGroup':
        return state.status === 'None' ? state : { ...state, members: [...state.members, event.data.userName] };
      case 'PolicyAttached':
      case 'PolicyDetached':
        return state.status === 'None' ? state : { ...state, policies: evolvePolicies(state.policies, event) };
      default:
        return assertNever(event);
    }
  },
};

function existing(state: GroupState, name: string): Extract<GroupState, { status: 'Active' }> {
  if (state.status === 'None') throw new NotFoundError('group', name);
  return state;
}
