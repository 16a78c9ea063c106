import { validateTrustPolicy } from '@sluice/authz';
import { assertNever, type CommandMetadata, ConflictError, type Decider, IllegalStateError, IssueCollector, NotFoundError, ValidationError } from '@sluice/domain';
import type { AttachedPolicy } from './attached-policy';
import { checkName } from './identity-names';
import type { PrincipalEvent } from '@sluice/contracts';
import { decideAttach, decideDetach, evolvePolicies } from './policy-set';

export const SESSION_DURATION = { minSeconds: 900, defaultSeconds: 3600, maxSeconds: 43_200 } as const;

export type PrincipalCommand =
  | { type: 'CreateUser'; userName: string; metadata: CommandMetadata }
  | { type: 'CreateRole'; roleName: string; trustPolicy: unknown; maxSessionDurationSeconds: number | null; description: string | null; metadata: CommandMetadata }
  | { type: 'AttachPolicy'; principalId: string; policy: AttachedPolicy; metadata: CommandMetadata }
  | { type: 'DetachPolicy'; principalId: string; policyName: string; metadata: CommandMetadata };

export type PrincipalState = { status: 'None' } | { status: 'User' | 'Role'; name: string; policies: readonly string[] };

/** What a decision needs from outside the stream: whether the account exists. */
export interface PrincipalContext {
  accountExists: boolean;
}

export const principalDecider: Decider<PrincipalCommand, PrincipalEvent, PrincipalState, PrincipalContext> = {
  initialState: { status: 'None' },
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateUser':
        return createUser(command, state, context);
      case 'CreateRole':
        return createRole(command, state, context);
      case 'AttachPolicy':
        return decideAttach(holderOf(state, command.principalId), existing(state, command.principalId).policies, command.policy);
      case 'DetachPolicy':
        return decideDetach(holderOf(state, command.principalId), existing(state, command.principalId).policies, command.policyName);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'UserCreated':
        return { status: 'User', name: event.data.userName, policies: [] };
      case 'RoleCreated':
        return { status: 'Role', name: event.data.roleName, policies: [] };
      case 'PolicyAttached':
      case 'PolicyDetached':
        return state.status === 'None' ? state : { ...state, policies: evolvePolicies(state.policies, event) };
      default:
        return assertNever(event);
    }
  },
};

function createUser(command: Extract<PrincipalCommand, { type: 'CreateUser' }>, state: PrincipalState, context: PrincipalContext): PrincipalEvent[] {
  const issues = new IssueCollector();
  checkName(command.userName, 'The user name', 'userName', issues);
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The user is not valid');
  mustBeNew(state, command.userName, command.metadata.account, context);
  return [{ type: 'UserCreated', data: { account: command.metadata.account, userName: command.userName, createdAt: command.metadata.now } }];
}

function createRole(command: Extract<PrincipalCommand, { type: 'CreateRole' }>, state: PrincipalState, context: PrincipalContext): PrincipalEvent[] {
  const issues = new IssueCollector();
  checkName(command.roleName, 'The role name', 'roleName', issues);
  const trust = validateTrustPolicy(command.trustPolicy);
  if (!trust.valid) issues.addAll(trust.issues);
  const max = command.maxSessionDurationSeconds ?? SESSION_DURATION.defaultSeconds;
  if (!Number.isInteger(max) || max < SESSION_DURATION.minSeconds || max > SESSION_DURATION.maxSeconds) {
    issues.add('maxSessionDurationSeconds', 'out_of_range', `The maximum session duration must be a whole number of seconds from ${SESSION_DURATION.minSeconds} to ${SESSION_DURATION.maxSeconds}.`);
  }
  if (command.description !== null && command.description.length > 1000) issues.add('description', 'too_long', 'The description must have at most 1000 characters.');
  if (issues.count > 0 || !trust.valid) throw new ValidationError(issues.issues, 'The role is not valid');
  mustBeNew(state, command.roleName, command.metadata.account, context);
  return [
    {
      type: 'RoleCreated',
      data: { account: command.metadata.account, roleName: command.roleName, trustPolicy: trust.policy, maxSessionDurationSeconds: max, description: command.description, createdAt: command.metadata.now },
    },
  ];
}

function mustBeNew(state: PrincipalState, name: string, account: string, context: PrincipalContext): void {
  if (!context.accountExists) throw new NotFoundError('account', account);
  if (state.status !== 'None') throw new ConflictError(`The account '${account}' already has a ${state.status.toLowerCase()} named '${name}'.`, 'PRINCIPAL_NAME_IN_USE');
}

function existing(state: PrincipalState, id: string): Exclude<PrincipalState, { status: 'None' }> {
  if (state.status === 'None') throw new NotFoundError('principal', id);
  return state;
}

function holderOf(state: PrincipalState, id: string): string {
  if (state.status === 'None') throw new NotFoundError('principal', id);
  return `The ${state.status.toLowerCase()} '${id}'`;
}

/** For commands that only make sense for one kind (tokens for users, sessions for roles). */
export function requireKind(state: PrincipalState, id: string, kind: 'User' | 'Role'): void {
  if (state.status === 'None') throw new NotFoundError(kind === 'User' ? 'user' : 'role', id);
  if (state.status !== kind) throw new IllegalStateError(`'${id}' is a ${state.status.toLowerCase()}, not a ${kind.toLowerCase()}.`, 'PRINCIPAL_KIND_MISMATCH');
}
