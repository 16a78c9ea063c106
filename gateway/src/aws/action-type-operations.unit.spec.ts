import type { AwsCall } from './aws-endpoint';
import { recordingAwsGraphql } from '../testing/recording-aws-graphql';
import { AwsError } from './aws-errors';
import { actionTypeOperations } from './action-type-operations';

/** The GraphQL the operations send, and a canned answer for each. */
function recording(answer: Record<string, unknown> = {}) {
  const { sent, graphql } = recordingAwsGraphql(answer, (query, variables) => ({ query, variables }));
  return { sent, operations: actionTypeOperations(graphql) };
}
const call = {} as AwsCall;

const sluiceType = {
  id: { category: 'Deploy', owner: 'Custom', provider: 'Terraform', version: '1' },
  settings: { entityUrlTemplate: 'https://tf.example.com/', thirdPartyConfigurationUrl: 'https://tf.example.com/config' },
  actionConfigurationProperties: [{ name: 'Workspace', required: true, key: true, secret: false, type: 'String', description: 'where' }],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
};
const declaration = {
  executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: {} } },
  id: { category: 'Deploy', owner: 'Custom', provider: 'Terraform', version: '1' },
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  properties: [{ name: 'Workspace', optional: false, key: true, noEcho: false, queryable: false, description: 'where' }],
  urls: { configurationUrl: 'https://tf.example.com/config', entityUrlTemplate: 'https://tf.example.com/' },
};

describe('GetActionType', () => {
  it("answers CodePipeline's ActionTypeDeclaration of the type, run by job workers", async () => {
    const { sent, operations } = recording({ getActionType: sluiceType });
    const answer = await operations.GetActionType!({ category: 'Deploy', owner: 'Custom', provider: 'Terraform', version: '1' }, call);
    expect(answer).toEqual({ actionType: declaration });
    expect(sent[0]!.variables).toEqual({ category: 'Deploy', owner: 'Custom', provider: 'Terraform', version: '1' });
  });

  it('refuses a missing member before any call', async () => {
    const { sent, operations } = recording();
    await expect(operations.GetActionType!({ category: 'Deploy', provider: 'Terraform', version: '1' }, call)).rejects.toMatchObject({ type: 'ValidationException', message: expect.stringContaining("'owner'") });
    expect(sent).toEqual([]);
  });
});

describe('UpdateActionType', () => {
  it("sends the declaration as Sluice's CreateCustomActionType-shaped definition, owner apart", async () => {
    const { sent, operations } = recording({ updateActionType: { id: { provider: 'Terraform' } } });
    expect(await operations.UpdateActionType!({ actionType: declaration }, call)).toEqual({});
    expect(sent[0]!.variables).toEqual({
      owner: 'Custom',
      input: {
        category: 'Deploy',
        provider: 'Terraform',
        version: '1',
        settings: { thirdPartyConfigurationUrl: 'https://tf.example.com/config', entityUrlTemplate: 'https://tf.example.com/' },
        configurationProperties: [{ name: 'Workspace', required: true, key: true, secret: false, queryable: false, description: 'where' }],
        inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      },
    });
  });

  it.each([
    ['a Lambda executor', { executor: { type: 'Lambda', configuration: { lambdaExecutorConfiguration: { lambdaFunctionArn: 'arn:aws:lambda:x' } } } }, 'actionType.executor.type'],
    ['polling accounts', { executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: { pollingAccounts: ['111111111111'] } } } }, 'pollingAccounts'],
    ['a description Sluice cannot keep', { description: 'words' }, 'actionType.description'],
    ['permissions', { permissions: { allowedAccounts: ['111111111111'] } }, 'actionType.permissions'],
    ['no executor', { executor: undefined }, "'executor'"],
  ])('refuses %s by its member, calling nothing', async (_title, change, path) => {
    const { sent, operations } = recording();
    const error = await operations.UpdateActionType!({ actionType: { ...declaration, ...change } }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ type: 'ValidationException', message: expect.stringContaining(path) });
    expect(sent).toEqual([]);
  });

  it('passes a built-in owner on, for the service to refuse', async () => {
    const { sent, operations } = recording({ updateActionType: {} });
    await operations.UpdateActionType!({ actionType: { ...declaration, id: { ...declaration.id, owner: 'AWS', category: 'Approval', provider: 'Manual' } } }, call);
    expect(sent[0]!.variables).toMatchObject({ owner: 'AWS', input: { category: 'Approval', provider: 'Manual' } });
  });
});

describe('DeleteCustomActionType', () => {
  it('deletes by category, provider and version (a custom type has no other owner)', async () => {
    const { sent, operations } = recording({ deleteCustomActionType: true });
    expect(await operations.DeleteCustomActionType!({ category: 'Deploy', provider: 'Terraform', version: '1' }, call)).toEqual({});
    expect(sent[0]).toMatchObject({ query: expect.stringContaining('deleteCustomActionType'), variables: { category: 'Deploy', provider: 'Terraform', version: '1' } });
  });
});
