import { ActionTypeRegistry, ValidationError, validateCustomActionType, type ActionTypeDefinition } from '@sluice/domain';
import { sampleCustomActionType } from '../../testing/sample-pipelines';
import type { CommandMetadata, ErrorCode } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors';
import { actionTypeStreamId, customActionTypeIdOf, type CustomActionTypeCommand, type CustomActionTypeEvent } from './custom-action-type';
import { customActionTypeDecider } from './custom-action-type-decider';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const given = deciderSpec(customActionTypeDecider, { actionTypes: ActionTypeRegistry.builtIn() });

const validated = validateCustomActionType(sampleCustomActionType());
if (!validated.valid) throw new Error(`the sample custom action type is invalid: ${JSON.stringify(validated.issues)}`);
const terraform: ActionTypeDefinition = validated.actionType;
const id = { category: 'Deploy' as const, provider: 'Terraform', version: '1' };
const created: CustomActionTypeEvent = { type: 'CustomActionTypeCreated', data: { actionType: terraform, tags: [], created: '2026-01-01T00:00:00.000Z', createdBy: 'bob' } };
const deleted: CustomActionTypeEvent = { type: 'CustomActionTypeDeleted', data: { ...id, deleted: '2026-01-01T01:00:00.000Z', deletedBy: 'bob' } };
const create = (input: unknown): CustomActionTypeCommand => ({ type: 'CreateCustomActionType', input, metadata });
const remove: CustomActionTypeCommand = { type: 'DeleteCustomActionType', id, metadata };
const update = (input: unknown, owner = 'Custom'): CustomActionTypeCommand => ({ type: 'UpdateCustomActionType', owner, input, metadata });
const { tags: _tags, ...sampleWithoutTags } = sampleCustomActionType() as Record<string, unknown>;
const changedInput = { ...sampleWithoutTags, settings: { entityUrlTemplate: 'https://terraform.example.com/' } };
const changedValidation = validateCustomActionType(changedInput);
if (!changedValidation.valid) throw new Error('the changed sample is invalid');
const changed = changedValidation.actionType;

describe('custom action type decider', () => {
  const accepted: Array<[string, CustomActionTypeEvent[], CustomActionTypeCommand, CustomActionTypeEvent[]]> = [
    ['creates a custom action type', [], create(sampleCustomActionType()), [{ type: 'CustomActionTypeCreated', data: { actionType: terraform, tags: [], created: metadata.now, createdBy: 'alice' } }]],
    ['deletes it', [created], remove, [{ type: 'CustomActionTypeDeleted', data: { ...id, deleted: metadata.now, deletedBy: 'alice' } }]],
    [
      'creates a deleted one again with the definition it had (a restore, as CodePipeline)',
      [created, deleted],
      create(sampleCustomActionType()),
      [{ type: 'CustomActionTypeCreated', data: { actionType: terraform, tags: [], created: metadata.now, createdBy: 'alice' } }],
    ],
    ['updates its definition', [created], update(changedInput), [{ type: 'CustomActionTypeUpdated', data: { actionType: changed, updated: metadata.now, updatedBy: 'alice' } }]],
    ['deletes an updated one', [created, { type: 'CustomActionTypeUpdated', data: { actionType: changed, updated: metadata.now, updatedBy: 'bob' } }], remove, [{ type: 'CustomActionTypeDeleted', data: { ...id, deleted: metadata.now, deletedBy: 'alice' } }]],
  ];
  it.each(accepted)('%s', (_title, history, command, expected) => given(history).when(command).then(expected));

  const refused: Array<[string, CustomActionTypeEvent[], CustomActionTypeCommand, abstract new (...args: never[]) => Error, ErrorCode]> = [
    ['creating one that exists', [created], create(sampleCustomActionType()), AlreadyExistsError, 'ACTION_TYPE_ALREADY_EXISTS'],
    ['creating again a deleted one with another definition (CodePipeline wants a new version)', [created, deleted], create({ ...changedInput, tags: [] }), ConflictError, 'ACTION_TYPE_ALREADY_EXISTS'],
    ['updating one that does not exist', [], update(changedInput), NotFoundError, 'ACTION_TYPE_NOT_FOUND'],
    ['updating a deleted one', [created, deleted], update(changedInput), NotFoundError, 'ACTION_TYPE_NOT_FOUND'],
    ['updating a built-in (Sluice-owned) type', [], update({ ...changedInput, category: 'Build', provider: 'Commands' }, 'Sluice'), ValidationError, 'INVALID_INPUT'],
    ['updating an AWS-owned type', [created], update(changedInput, 'AWS'), ValidationError, 'INVALID_INPUT'],
    ['updating with an invalid definition', [created], update({ ...changedInput, inputArtifactDetails: { minimumCount: 0, maximumCount: 99 } }), ValidationError, 'INVALID_INPUT'],
    ['updating its tags (they are given at creation)', [created], update({ ...changedInput, tags: [{ key: 'k', value: 'v' }] }), ValidationError, 'INVALID_INPUT'],
    ['creating an invalid one', [], create({ ...sampleCustomActionType(), provider: 'bad provider!' }), ValidationError, 'INVALID_INPUT'],
    ['creating one without artifact details', [], create({ category: 'Deploy', provider: 'X', version: '1' }), ValidationError, 'INVALID_INPUT'],
    ['deleting one that does not exist', [], remove, NotFoundError, 'ACTION_TYPE_NOT_FOUND'],
    ['deleting one twice', [created, deleted], remove, NotFoundError, 'ACTION_TYPE_NOT_FOUND'],
  ];
  it('records nothing for an update that changes nothing', () => given([created]).when(update(sampleWithoutTags)).thenNothingHappened());

  it("keeps a property's type when the update names the property without one (UpdateActionType has no types)", () => {
    const untyped = { ...sampleWithoutTags, configurationProperties: [{ name: 'Workspace', required: true, key: true, secret: false }] };
    given([created]).when(update(untyped)).thenNothingHappened();
  });

  it.each(refused)('refuses %s', (_title, history, command, errorClass, code) => given(history).when(command).thenThrows(errorClass, (error) => expect(error).toMatchObject({ code })));
});

describe('custom action type stream ids', () => {
  it.each([
    [sampleCustomActionType(), 'actiontype-acme.Deploy.Terraform.1'],
    [{ ...sampleCustomActionType(), provider: 'has space' }, undefined],
    [{ ...sampleCustomActionType(), category: 'Compute' }, undefined],
    ['not an object', undefined],
  ])('%j -> %s', (input, streamId) => {
    const found = customActionTypeIdOf(create(input));
    expect(found && actionTypeStreamId('acme', found)).toEqual(streamId);
  });
});
