import type { AwsCall } from './aws-endpoint';
import { recordingAwsGraphql } from '../testing/recording-aws-graphql';
import { actionRevisionOperations } from './action-revision-operations';

function recording(answer: Record<string, unknown> = {}) {
  const { sent, graphql } = recordingAwsGraphql(answer, (_query, variables) => variables);
  return { sent, operations: actionRevisionOperations(graphql) };
}
const call = {} as AwsCall;
const input = { pipelineName: 'web', stageName: 'Source', actionName: 'Checkout', actionRevision: { revisionId: 'c0ffee', revisionChangeId: 'c0ffee', created: 1767323045 } };

describe('PutActionRevision', () => {
  it('sends the revision with its creation time as ISO-8601, and answers newRevision and the execution', async () => {
    const { sent, operations } = recording({ putActionRevision: { newRevision: true, pipelineExecutionId: 'e1' } });
    expect(await operations.PutActionRevision!(input, call)).toEqual({ newRevision: true, pipelineExecutionId: 'e1' });
    expect(sent[0]).toEqual({ p: 'web', s: 'Source', a: 'Checkout', revision: { revisionId: 'c0ffee', revisionChangeId: 'c0ffee', created: '2026-01-02T03:04:05.000Z' } });
  });

  it.each([
    ['no revision', { ...input, actionRevision: undefined }, "'actionRevision'"],
    ['no change id', { ...input, actionRevision: { ...input.actionRevision, revisionChangeId: undefined } }, "'revisionChangeId'"],
    ['a creation time that is no time', { ...input, actionRevision: { ...input.actionRevision, created: 'yesterday' } }, "'actionRevision.created'"],
    ['no stage', { ...input, stageName: '' }, "'stageName'"],
  ])('refuses %s by its member, calling nothing', async (_title, given, member) => {
    const { sent, operations } = recording();
    await expect(operations.PutActionRevision!(given, call)).rejects.toMatchObject({ type: 'ValidationException', message: expect.stringContaining(member) });
    expect(sent).toEqual([]);
  });
});
