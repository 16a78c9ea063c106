import { assertNever, ConflictError, IssueCollector, NotFoundError, secretNameProblem, ValidationError, type Decider } from '@sluice/domain';
import type { SecretEvent } from '@sluice/contracts';
import { AlreadyExistsError } from '../errors';
import { SECRET_DESCRIPTION_MAX_LENGTH, type CreateSecret, type DeleteSecret, type PutSecretValue, type SecretCommand, type SecretState } from './secret';

export const secretDecider: Decider<SecretCommand, SecretEvent, SecretState, void> = {
  initialState: { status: 'Absent' },
  evolve: evolveSecret,
  decide(command, state) {
    switch (command.type) {
      case 'CreateSecret':
        return createSecret(command, state);
      case 'PutSecretValue':
        return putSecretValue(command, state);
      case 'DeleteSecret':
        return deleteSecret(command, state);
      default:
        return assertNever(command);
    }
  },
};

/** The version a new value of this secret gets: versions go on across a delete, so none is ever reused. */
export function nextSecretVersion(state: SecretState): number {
  return state.status === 'Absent' ? 1 : state.version + 1;
}

function createSecret(command: CreateSecret, state: SecretState): SecretEvent[] {
  const issues = new IssueCollector();
  const name = typeof command.name === 'string' ? command.name : undefined;
  if (name === undefined) issues.add('name', 'invalid_secret_name', 'The secret name must be a string.');
  else {
    const problem = secretNameProblem(name);
    if (problem) issues.add('name', 'invalid_secret_name', problem);
  }
  const description = command.description ?? '';
  if (typeof description !== 'string' || description.length > SECRET_DESCRIPTION_MAX_LENGTH) {
    issues.add('description', 'invalid_description', `The description must be a string of at most ${SECRET_DESCRIPTION_MAX_LENGTH} characters.`);
  }
  if (command.valueProblem) issues.add('value', 'invalid_secret_value', command.valueProblem);
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The secret cannot be created');
  if (state.status === 'Active') throw new AlreadyExistsError(`A secret named '${state.name}' already exists; putSecretValue rotates it.`, 'SECRET_NAME_IN_USE');
  const { now, actor } = command.metadata;
  return [
    { type: 'SecretCreated', data: { name: name!, description: description as string, at: now, by: actor } },
    { type: 'SecretValuePut', data: { name: name!, version: nextSecretVersion(state), sealedValue: sealed(command.sealedValue), at: now, by: actor } },
  ];
}

function putSecretValue(command: PutSecretValue, state: SecretState): SecretEvent[] {
  if (command.valueProblem) throw new ValidationError([{ path: 'value', code: 'invalid_secret_value', message: command.valueProblem }], 'The secret value cannot be put');
  if (state.status !== 'Active') throw new NotFoundError('secret', command.name);
  if (command.version !== nextSecretVersion(state)) {
    throw new ConflictError(`The secret '${command.name}' got version ${state.version} meanwhile; put the value again.`, 'CONCURRENT_MODIFICATION');
  }
  const { now, actor } = command.metadata;
  return [{ type: 'SecretValuePut', data: { name: command.name, version: command.version, sealedValue: sealed(command.sealedValue), at: now, by: actor } }];
}

function deleteSecret(command: DeleteSecret, state: SecretState): SecretEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('secret', command.name);
  return [{ type: 'SecretDeleted', data: { name: command.name, at: command.metadata.now, by: command.metadata.actor } }];
}

function sealed(value: string | undefined): string {
  if (value === undefined) throw new Error('the secret value was not sealed before deciding');
  return value;
}

export function evolveSecret(state: SecretState, event: SecretEvent): SecretState {
  switch (event.type) {
    case 'SecretCreated':
      return { status: 'Active', name: event.data.name, description: event.data.description, version: state.status === 'Absent' ? 0 : state.version, created: event.data.at, updated: event.data.at };
    case 'SecretValuePut':
      return state.status === 'Active' ? { ...state, version: event.data.version, updated: event.data.at } : state;
    case 'SecretDeleted':
      return state.status === 'Active' ? { status: 'Deleted', name: state.name, version: state.version } : state;
    default:
      return assertNever(event);
  }
}
