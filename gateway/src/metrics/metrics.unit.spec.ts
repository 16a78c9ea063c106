import type { RecordedEvent } from '@sluice/eventing';
import { metricsRegistry, type MetricsSnapshot } from './metrics-families';
import { emptyMetricsState, foldMetricsEvent } from './metrics-projection';

const exposition = (snapshot: MetricsSnapshot): Promise<string> => metricsRegistry(snapshot).metrics();

let position = 0n;
const event = (streamId: string, type: string, data: unknown, occurredAt: string, account = 'acme'): RecordedEvent => ({
  id: `e${++position}`,
  type,
  streamId,
  revision: 0n,
  position,
  data,
  metadata: { correlationId: 'c', causationId: null, actor: 'alice', account, occurredAt },
});
const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString();
const action = (stageName: string, actionName: string) => ({ stageName, actionName, actionExecutionId: `x/${stageName}/${actionName}/1` });

const events: RecordedEvent[] = [
  event('execution-x1', 'PipelineExecutionStarted', { inputs: { pipeline: { account: 'acme', name: 'web' } } }, t(0)),
  event('execution-x1', 'ActionExecutionStarted', action('Source', 'Checkout'), t(0)),
  event('job-j1', 'JobCreated', { spec: {}, createdAt: t(0) }, t(0)),
  event('job-j1', 'JobDispatched', { jobId: 'j1' }, t(0.1)),
  event('execution-x1', 'ActionExecutionSucceeded', action('Source', 'Checkout'), t(0.25)),
  event('execution-x1', 'ActionExecutionStarted', action('Build', 'Compile'), t(1)),
  event('execution-x1', 'ActionExecutionFailed', action('Build', 'Compile'), t(3)),
  event('execution-x1', 'PipelineExecutionFailed', { stageName: 'Build', message: 'no' }, t(3)),
  event('execution-x2', 'PipelineExecutionStarted', { inputs: { pipeline: { account: 'we"ird\\', name: 'api' } } }, t(4), 'we"ird\\'),
  event('execution-x2', 'ActionExecutionStarted', action('Deploy', 'Ship'), t(4)),
  event('execution-x2', 'ActionExecutionAbandoned', action('Deploy', 'Ship'), t(704)),
  event('execution-x2', 'PipelineExecutionStopped', { reason: 'r', abandoned: true }, t(704)),
  event('execution-x3', 'PipelineExecutionStarted', { inputs: { pipeline: { account: 'acme', name: 'web' } } }, t(705)),
  event('execution-x3', 'ActionExecutionStarted', action('Source', 'Checkout'), t(705)),
  event('job-j2', 'JobCreated', { spec: {}, createdAt: t(705) }, t(705)),
  event('job-j3', 'JobCreated', { spec: {}, createdAt: t(705) }, t(705)),
  event('job-j3', 'JobDispatched', { jobId: 'j3' }, t(706)),
  event('job-j3', 'JobRequeued', { jobId: 'j3', reason: 'NotAcknowledged' }, t(720)),
];

describe('the /metrics projection and its exposition text (prom-client)', () => {
  it('folds stored events into executions by current status, action durations, queue depth and position', async () => {
    const state = emptyMetricsState();
    for (const stored of events) foldMetricsEvent(state, stored);
    const text = await exposition({ state, lagSeconds: 1.5, subscriptions: { connections: 2, live: 3 } });
    expect(text).toBe(
      [
        '# HELP sluice_executions Pipeline executions by their current status.',
        '# TYPE sluice_executions gauge',
        'sluice_executions{account="acme",status="Failed"} 1',
        'sluice_executions{account="acme",status="InProgress"} 1',
        'sluice_executions{account="we\\"ird\\\\",status="Stopped"} 1',
        '',
        '# HELP sluice_action_duration_seconds Action runs, from ActionExecutionStarted to their end (succeeded, failed or abandoned).',
        '# TYPE sluice_action_duration_seconds histogram',
        'sluice_action_duration_seconds_bucket{le="0.1"} 0',
        'sluice_action_duration_seconds_bucket{le="0.5"} 1',
        'sluice_action_duration_seconds_bucket{le="1"} 1',
        'sluice_action_duration_seconds_bucket{le="5"} 2',
        'sluice_action_duration_seconds_bucket{le="30"} 2',
        'sluice_action_duration_seconds_bucket{le="120"} 2',
        'sluice_action_duration_seconds_bucket{le="600"} 2',
        'sluice_action_duration_seconds_bucket{le="+Inf"} 3',
        'sluice_action_duration_seconds_sum 702.25',
        'sluice_action_duration_seconds_count 3',
        '',
        '# HELP sluice_job_queue_depth Jobs created or requeued and not yet dispatched to a worker.',
        '# TYPE sluice_job_queue_depth gauge',
        'sluice_job_queue_depth 2',
        '',
        '# HELP sluice_event_store_position Store position of the last event the metrics projection folded.',
        '# TYPE sluice_event_store_position gauge',
        `sluice_event_store_position ${position}`,
        '',
        '# HELP sluice_event_store_lag_seconds While the metrics projection catches up with the store: now minus occurredAt of the last folded event; 0 once caught up.',
        '# TYPE sluice_event_store_lag_seconds gauge',
        'sluice_event_store_lag_seconds 1.5',
        '',
        '# HELP sluice_subscriptions GraphQL subscriptions caught up with the store and live.',
        '# TYPE sluice_subscriptions gauge',
        'sluice_subscriptions 3',
        '',
        '# HELP sluice_subscription_connections Open graphql-ws connections.',
        '# TYPE sluice_subscription_connections gauge',
        'sluice_subscription_connections 2',
        '',
      ].join('\n'),
    );
  });

  it('names only the caller’s account when asked for one account', async () => {
    const state = emptyMetricsState();
    for (const stored of events) foldMetricsEvent(state, stored);
    const text = await exposition({ state, lagSeconds: 0, subscriptions: { connections: 0, live: 0 }, account: 'acme' });
    expect(text.split('\n').filter((line) => line.startsWith('sluice_executions'))).toEqual(['sluice_executions{account="acme",status="Failed"} 1', 'sluice_executions{account="acme",status="InProgress"} 1']);
    expect(text).not.toContain('ird');
  });

  it('serves only the subscription gauges without a store', async () => {
    const text = await exposition({ state: undefined, lagSeconds: 0, subscriptions: { connections: 0, live: 0 } });
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(['sluice_subscriptions 0', 'sluice_subscription_connections 0']);
  });
});
