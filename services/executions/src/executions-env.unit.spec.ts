import type { ConfigProblems } from '@sluice/runtime';
import { defaultJobQueuePolicy } from './domain';
import { executionsEnvFrom, prefixedTopics } from './executions-env';

describe('executionsEnvFrom', () => {
  it('keeps the default leases and topics when nothing is set', () => {
    const problems: ConfigProblems = [];
    expect(executionsEnvFrom({}, problems)).toEqual({ jobQueuePolicy: defaultJobQueuePolicy, topicPrefix: '' });
    expect(problems).toEqual([]);
  });

  it('reads short leases and a topic prefix', () => {
    const problems: ConfigProblems = [];
    expect(executionsEnvFrom({ SLUICE_JOB_ACK_TIMEOUT_MS: '3000', SLUICE_JOB_HEARTBEAT_TIMEOUT_MS: '4000', SLUICE_KAFKA_TOPIC_PREFIX: 'test.run_1' }, problems)).toEqual({
      jobQueuePolicy: { acknowledgeWithinMs: 3000, heartbeatWithinMs: 4000 },
      topicPrefix: 'test.run_1',
    });
    expect(problems).toEqual([]);
  });

  it('names each bad variable', () => {
    const problems: ConfigProblems = [];
    executionsEnvFrom({ SLUICE_JOB_ACK_TIMEOUT_MS: '10', SLUICE_JOB_HEARTBEAT_TIMEOUT_MS: 'soon', SLUICE_KAFKA_TOPIC_PREFIX: 'a b' }, problems);
    expect(problems.map((p) => p.variable)).toEqual(['SLUICE_KAFKA_TOPIC_PREFIX', 'SLUICE_JOB_ACK_TIMEOUT_MS', 'SLUICE_JOB_HEARTBEAT_TIMEOUT_MS']);
    expect(problems[1]!.reason).toBe("'10' is not a number of milliseconds between 100 and 604800000");
  });
});

describe('prefixedTopics', () => {
  it('puts the prefix before the relay topic of every stream and the pipeline events topic', () => {
    expect(prefixedTopics('').pipelineEventsTopic).toBe('sluice.pipeline.events');
    const topics = prefixedTopics('run7');
    expect(topics.pipelineEventsTopic).toBe('run7.sluice.pipeline.events');
    expect(topics.topicFor({ streamId: 'pipeline-acme.web' } as never)).toBe('run7.sluice.pipeline.events');
    expect(topics.topicFor({ streamId: 'execution-1' } as never)).toBe('run7.sluice.execution.events');
  });
});
