import { configProblemsOf, type ConfigProblems, type Env } from '@sluice/runtime';
import { defaultJobQueuePolicy } from './domain';
import { loadExecutionsConfig, prefixedTopics } from './executions-config';

const secret = 'a'.repeat(32);
/** The variables every service needs, so that only the ones under test vary. */
const load = (env: Env) => loadExecutionsConfig({ SLUICE_INTERNAL_SECRET: secret, ...env });

const problemsOf = (env: Env): ConfigProblems => configProblemsOf(() => load(env));

describe('loadExecutionsConfig', () => {
  it('keeps the default leases and topics when nothing is set', () => {
    expect(load({})).toMatchObject({ jobQueuePolicy: defaultJobQueuePolicy, topicPrefix: '' });
  });

  it('reads short leases and a topic prefix', () => {
    expect(load({ SLUICE_JOB_ACK_TIMEOUT_MS: '3000', SLUICE_JOB_HEARTBEAT_TIMEOUT_MS: '4000', SLUICE_KAFKA_TOPIC_PREFIX: 'test.run_1' })).toMatchObject({
      jobQueuePolicy: { acknowledgeWithinMs: 3000, heartbeatWithinMs: 4000 },
      topicPrefix: 'test.run_1',
    });
  });

  it('names each bad variable', () => {
    const problems = problemsOf({ SLUICE_JOB_ACK_TIMEOUT_MS: '10', SLUICE_JOB_HEARTBEAT_TIMEOUT_MS: 'soon', SLUICE_KAFKA_TOPIC_PREFIX: 'a b' });
    expect(problems.map((p) => p.variable)).toEqual(['SLUICE_KAFKA_TOPIC_PREFIX', 'SLUICE_JOB_ACK_TIMEOUT_MS', 'SLUICE_JOB_HEARTBEAT_TIMEOUT_MS']);
    expect(problems[1]!.reason).toBe("'10' is not a number of milliseconds between 100 and 604800000");
  });

  it('sweeps retention hourly unless SLUICE_RETENTION_SWEEP_INTERVAL_MS says otherwise (0: never)', () => {
    expect(load({}).retentionSweepIntervalMs).toBe(3_600_000);
    expect(load({ SLUICE_RETENTION_SWEEP_INTERVAL_MS: '0' }).retentionSweepIntervalMs).toBe(0);
    expect(load({ SLUICE_RETENTION_SWEEP_INTERVAL_MS: '60000' }).retentionSweepIntervalMs).toBe(60_000);
    expect(problemsOf({ SLUICE_RETENTION_SWEEP_INTERVAL_MS: '5' })).toEqual([
      { variable: 'SLUICE_RETENTION_SWEEP_INTERVAL_MS', reason: "'5' is not 0 (never) or a number of milliseconds between 1000 and 604800000" },
    ]);
  });

  it('serves where SLUICE_BIND_ADDRESS and SLUICE_PORT say, with the internal secret', () => {
    expect(load({ SLUICE_BIND_ADDRESS: '0.0.0.0', SLUICE_PORT: '4100' }).serve).toEqual({ port: 4100, host: '0.0.0.0', internalSecret: secret });
    expect(() => loadExecutionsConfig({})).toThrow(/SLUICE_INTERNAL_SECRET is not set/);
  });

  it('relays pipeline events itself on the in-process bus, and refuses SLUICE_RELAY=0 there', () => {
    expect(load({}).relay).toEqual({ kind: 'pipeline-events' });
    expect(problemsOf({ SLUICE_RELAY: '0' })).toEqual([expect.objectContaining({ variable: 'SLUICE_RELAY', reason: expect.stringContaining('the in-process bus hears only this process') })]);
    expect(problemsOf({ SLUICE_RELAY: 'yes' })).toEqual([{ variable: 'SLUICE_RELAY', reason: "'yes' is not 0 or 1" }]);
  });

  it('on Kafka, relays every event only with SLUICE_RELAY=1', () => {
    expect(load({ SLUICE_KAFKA_BROKERS: 'localhost:9092' }).relay).toEqual({ kind: 'off' });
    expect(load({ SLUICE_KAFKA_BROKERS: 'localhost:9092', SLUICE_RELAY: '1' }).relay).toEqual({ kind: 'all-events' });
  });

  it('keeps the text of action logs in SLUICE_LOGS, a folder (by default in the data folder) or an S3 bucket', () => {
    expect(load({ SLUICE_DATA_DIR: '/var/lib/sluice' }).logs).toEqual({ kind: 'filesystem', root: '/var/lib/sluice/logs' });
    expect(load({ SLUICE_LOGS: 's3://build-logs?region=eu-west-1&prefix=sluice/' }).logs).toEqual({ kind: 's3', bucket: 'build-logs', region: 'eu-west-1', prefix: 'sluice/' });
    expect(problemsOf({ SLUICE_LOGS: 'https://logs.example.com' })).toEqual([{ variable: 'SLUICE_LOGS', reason: "unknown scheme in 'https://logs.example.com': use a folder or s3://bucket?endpoint=…" }]);
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
