import { ConflictError, NotFoundError, ValidationError, type CommandMetadata } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import type { SecretEvent } from '@sluice/contracts';
import { AlreadyExistsError } from '../errors';
import type { SecretCommand } from './secret';
import { secretDecider } from './secret-decider';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const given = deciderSpec(secretDecider, undefined);

const create = (changes: Partial<Extract<SecretCommand, { type: 'CreateSecret' }>> = {}): SecretCommand => ({
  type: 'CreateSecret',
  name: 'DeployToken',
  description: 'deploys',
  sealedValue: 'v1.sealed-1',
  valueProblem: undefined,
  metadata,
  ...changes,
});
const put = (version: number, changes: Partial<Extract<SecretCommand, { type: 'PutSecretValue' }>> = {}): SecretCommand => ({
  type: 'PutSecretValue',
  name: 'DeployToken',
  version,
  sealedValue: `v1.sealed-${version}`,
  valueProblem: undefined,
  metadata,
  ...changes,
});
const remove: SecretCommand = { type: 'DeleteSecret', name: 'DeployToken', metadata };

const at = '2026-01-01T00:00:00.000Z';
const created: SecretEvent = { type: 'SecretCreated', data: { name: 'DeployToken', description: 'deploys', at, by: 'bob' } };
const valuePut = (version: number, when = at, by = 'bob'): SecretEvent => ({ type: 'SecretValuePut', data: { name: 'DeployToken', version, sealedValue: `v1.sealed-${version}`, at: when, by } });
const deleted: SecretEvent = { type: 'SecretDeleted', data: { name: 'DeployToken', at, by: 'bob' } };

describe('secret decider', () => {
  const accepted: Array<[string, SecretEvent[], SecretCommand, SecretEvent[]]> = [
    [
      'creates a secret with its first version, sealed',
      [],
      create(),
      [{ type: 'SecretCreated', data: { name: 'DeployToken', description: 'deploys', at: metadata.now, by: 'alice' } }, valuePut(1, metadata.now, 'alice')],
    ],
    ['rotates: the next version', [created, valuePut(1)], put(2), [valuePut(2, metadata.now, 'alice')]],
    ['deletes', [created, valuePut(1)], remove, [{ type: 'SecretDeleted', data: { name: 'DeployToken', at: metadata.now, by: 'alice' } }]],
    [
      'creates one again after a delete, its versions going on (an old sealed value never becomes current)',
      [created, valuePut(1), valuePut(2), deleted],
      create({ sealedValue: 'v1.sealed-3' }),
      [{ type: 'SecretCreated', data: { name: 'DeployToken', description: 'deploys', at: metadata.now, by: 'alice' } }, valuePut(3, metadata.now, 'alice')],
    ],
  ];
  it.each(accepted)('%s', (_title, history, command, expected) => given(history).when(command).then(expected));

  const refused: Array<[string, SecretEvent[], SecretCommand, new (...args: never[]) => Error, string]> = [
    ['creating one that exists', [created, valuePut(1)], create(), AlreadyExistsError, 'SECRET_NAME_IN_USE'],
    ['a name no reference can spell', [], create({ name: 'prod/db' }), ValidationError, 'INVALID_INPUT'],
    ['an empty value', [], create({ sealedValue: undefined, valueProblem: 'The value must be a non-empty string.' }), ValidationError, 'INVALID_INPUT'],
    ['rotating one that does not exist', [], put(1), NotFoundError, 'SECRET_NOT_FOUND'],
    ['rotating a deleted one', [created, valuePut(1), deleted], put(2), NotFoundError, 'SECRET_NOT_FOUND'],
    ['a rotation sealed for a version someone else wrote meanwhile', [created, valuePut(1), valuePut(2)], put(2), ConflictError, 'CONCURRENT_MODIFICATION'],
    ['deleting one that does not exist', [], remove, NotFoundError, 'SECRET_NOT_FOUND'],
  ];
  it.each(refused)('refuses %s', (_title, history, command, errorClass, code) => given(history).when(command).thenThrows(errorClass, (error) => expect(error).toMatchObject({ code })));

  it('reports the value problem at its path, never the value', () => {
    given([]).when(create({ sealedValue: undefined, valueProblem: 'The value must be at most 65536 bytes.' })).thenThrows(ValidationError, (error) =>
      expect((error as ValidationError).issues).toEqual([{ path: 'value', code: 'invalid_secret_value', message: 'The value must be at most 65536 bytes.' }]),
    );
  });
});
