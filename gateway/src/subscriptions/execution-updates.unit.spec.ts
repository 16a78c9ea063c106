import type { RecordedEvent } from '@sluice/eventing';
import { toExecutionUpdate, toPipelineStateChange } from './execution-updates';

const event = (streamId: string, type: string, data: unknown, position = 7n): RecordedEvent => ({
  id: 'e',
  type,
  streamId,
  revision: 1n,
  position,
  data,
  metadata: { correlationId: 'c', causationId: null, actor: 'alice', account: 'acme', occurredAt: '2025-01-01T00:00:00.000Z' },
});

describe('execution events as subscription updates', () => {
  it('says which action, stage or execution changed and to what', () => {
    const succeeded = event('execution-x1', 'ActionExecutionSucceeded', { stageName: 'Build', actionName: 'Compile', outputArtifacts: [] });
    expect(toExecutionUpdate(succeeded, 'web')).toEqual({
      cursor: '7',
      pipelineName: 'web',
      pipelineExecutionId: 'x1',
      status: 'Succeeded',
      stageName: 'Build',
      actionName: 'Compile',
      eventType: 'ActionExecutionSucceeded',
      at: '2025-01-01T00:00:00.000Z',
    });
    expect(toExecutionUpdate(event('execution-x1', 'PipelineExecutionFailed', { stageName: 'Build', message: 'no' }), 'web')).toMatchObject({ status: 'Failed', stageName: 'Build', actionName: null });
    expect(toExecutionUpdate(event('execution-x1', 'StageConditionEvaluated', { stageName: 'Build' }), 'web')).toMatchObject({ status: null });
    expect(toExecutionUpdate(event('lanes-acme.web', 'StageEntryGranted', {}), 'web')).toBeUndefined();
  });

  it('reads the pipeline of a lanes event from its stream id, the outcome of a release from its data', () => {
    const released = event('lanes-acme.web.v2', 'StageReleased', { executionId: 'x1', stageName: 'Source', outcome: 'Succeeded' });
    expect(toPipelineStateChange(released, 'ignored')).toMatchObject({ pipelineName: 'web.v2', pipelineExecutionId: 'x1', status: 'Succeeded', stageName: 'Source' });
    const disabled = event('lanes-acme.web', 'InboundTransitionDisabled', { stageName: 'Deploy', reason: 'freeze' });
    expect(toPipelineStateChange(disabled, 'web')).toMatchObject({ pipelineExecutionId: null, status: 'Disabled' });
  });
});
