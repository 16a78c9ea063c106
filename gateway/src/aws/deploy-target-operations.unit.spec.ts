import type { AwsCall } from './aws-endpoint';
import { recordingAwsGraphql } from '../testing/recording-aws-graphql';
import { deployTargetOperations } from './deploy-target-operations';
import { encodeNextToken } from './next-token';

function recording(answer: Record<string, unknown> = {}) {
  const { sent, graphql } = recordingAwsGraphql(answer, (_query, variables) => variables);
  return { sent, operations: deployTargetOperations(graphql) };
}
const call = {} as AwsCall;
const target = { targetId: '/srv/www', targetType: 'Directory', status: 'Succeeded', startTime: '2026-01-02T03:04:05.000Z', endTime: '2026-01-02T03:04:09.000Z' };

describe('ListDeployActionExecutionTargets', () => {
  it('answers the targets with epoch times', async () => {
    const { sent, operations } = recording({ listDeployActionExecutionTargets: [target] });
    expect(await operations.ListDeployActionExecutionTargets!({ pipelineName: 'web', actionExecutionId: 'e1/Deploy/Ship/1' }, call)).toEqual({
      targets: [{ ...target, startTime: Date.parse(target.startTime) / 1000, endTime: Date.parse(target.endTime) / 1000 }],
    });
    expect(sent[0]).toEqual({ p: 'web', id: 'e1/Deploy/Ship/1' });
  });

  it('keeps the targets of the statuses a TARGET_STATUS filter names', async () => {
    const { operations } = recording({ listDeployActionExecutionTargets: [target] });
    expect(await operations.ListDeployActionExecutionTargets!({ actionExecutionId: 'x', filters: [{ name: 'TARGET_STATUS', values: ['Failed'] }] }, call)).toEqual({ targets: [] });
  });

  it.each([
    ['another filter', { actionExecutionId: 'x', filters: [{ name: 'COLOUR', values: ['red'] }] }, 'ValidationException'],
    ['no action execution', {}, 'ValidationException'],
    ['a token of another list', { actionExecutionId: 'x', nextToken: encodeNextToken('ListPipelines', 'c') }, 'InvalidNextTokenException'],
  ])('refuses %s', async (_title, input, type) => {
    const { sent, operations } = recording();
    await expect(operations.ListDeployActionExecutionTargets!(input, call)).rejects.toMatchObject({ type });
    expect(sent).toEqual([]);
  });
});
