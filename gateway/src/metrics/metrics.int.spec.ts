import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, DurableProjectionRunner, ensureReadModel, readModelDatabaseOf, type PostgresEventStore, type ReadModelDatabase, type RecordedEvent } from '@sluice/eventing';
import { dropTestSchema, eventually, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { gatewayMetrics } from './gateway-metrics';
import { metricsRegistry, type MetricsSnapshot, type StoreMetrics } from './metrics-families';
import { emptyLiveMetricsState, foldLiveMetricsEvent, MetricsTables } from './metrics-projection';

// The /metrics state (decision 0067): the gauges' tables folded in SQL on PostgreSQL, the durations observed live.
const exposition = (snapshot: MetricsSnapshot): Promise<string> => metricsRegistry(snapshot).metrics();
const schemas: string[] = [];
const stores: PostgresEventStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close();
  for (const schema of schemas) await dropTestSchema(schema);
});

async function freshStore(): Promise<{ store: PostgresEventStore; database: ReadModelDatabase; schema: string }> {
  const schema = newTestSchema('metrics');
  schemas.push(schema);
  const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  stores.push(store);
  return { store, database: readModelDatabaseOf(store)!, schema };
}

/** The events folded: the gauges' tables by their SQL fold (one transaction), the durations live. */
async function folded(account?: string): Promise<StoreMetrics> {
  const { database, schema } = await freshStore();
  const tables = new MetricsTables(database);
  await ensureReadModel(database, tables);
  await database.transaction(tables.fold(events, schema));
  const live = emptyLiveMetricsState();
  for (const stored of events) foldLiveMetricsEvent(live, stored);
  return { executions: await tables.executionCounts(account), queueDepth: await tables.queueDepth(), position, live };
}

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
    const text = await exposition({ store: await folded(), lagSeconds: 1.5, subscriptions: { connections: 2, live: 3 } });
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
    const text = await exposition({ store: await folded('acme'), lagSeconds: 0, subscriptions: { connections: 0, live: 0 } });
    expect(text.split('\n').filter((line) => line.startsWith('sluice_executions'))).toEqual(['sluice_executions{account="acme",status="Failed"} 1', 'sluice_executions{account="acme",status="InProgress"} 1']);
    expect(text).not.toContain('ird');
  });

  it('serves only the subscription gauges without a store', async () => {
    const text = await exposition({ store: undefined, lagSeconds: 0, subscriptions: { connections: 0, live: 0 } });
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(['sluice_subscriptions 0', 'sluice_subscription_connections 0']);
  });

  it('folds the same rows in SQL (a start catching up in the database) as in the process, across ranges', async () => {
    const { store, database, schema } = await freshStore();
    for (const { streamId, type, data, metadata } of events) await store.append(streamId, [{ type, data, metadata }]);
    const stored = await store.readAll();
    const inProcess = new MetricsTables(database);
    await ensureReadModel(database, inProcess);
    await database.transaction(inProcess.fold(stored, schema));
    // Another schema's tables, folded by the database from this store's events in two ranges: an execution's first
    // status (its account) in one, its last in the other; a job created in one, dispatched in the other.
    const side = await freshStore();
    const inSql = new MetricsTables(side.database);
    await ensureReadModel(side.database, inSql);
    const middle = stored[Math.floor(stored.length / 2)]!.position;
    for (const [from, to] of [[0n, middle], [middle, stored.at(-1)!.position]]) {
      await side.database.transaction([{ text: inSql.rebuildSql(side.schema, `"${schema}".events`), params: [from!.toString(), to!.toString()] }]);
    }
    expect(await inSql.contents()).toEqual(await inProcess.contents());
    expect((await inSql.contents()) as { executions: unknown[] }).toMatchObject({ executions: [{ status: 'Failed' }, { account: 'we"ird\\', status: 'Stopped' }, { status: 'InProgress' }] });
    expect(await inSql.queueDepth()).toBe(2);
  });

  it('a start on PostgreSQL catches up in the database: no stored event read into the process, then live events as before', async () => {
    const { store, database } = await freshStore();
    for (const { streamId, type, data, metadata } of events) await store.append(streamId, [{ type, data, metadata }]);
    const tables = new MetricsTables(database);
    const runner = new DurableProjectionRunner(store, database, tables, { catchUpInDatabase: true });
    await runner.start();
    try {
      const head = (await store.readAll()).at(-1)!.position;
      expect(runner.foldedInDatabase).toBe(head);
      expect(runner.eventsRead).toBe(0);
      expect(await tables.queueDepth()).toBe(2);
      await store.append('job-j2', [{ type: 'JobDispatched', data: { jobId: 'j2' }, metadata: { account: 'acme' } }], { expectedRevision: 0n });
      await eventually(async () => ((await tables.queueDepth()) === 1 ? true : undefined), 'the live dispatch folded', 10_000, 50);
      expect(runner.eventsRead).toBe(1);
    } finally {
      await runner.stop();
    }
  });

  it('two gateways starting together on a history each catch up in the database or after the other: the rows are the fold’s once', async () => {
    const { store, database } = await freshStore();
    // Both start on the same history: one folds it in the database, the other's range finds the checkpoint moved
    // (or nothing left) and goes on after it.
    const noise = Array.from({ length: 30 }, (_, i) => ({ type: 'JobCreated', data: { spec: {} }, metadata: { account: 'acme' }, stream: `job-n${i}` }));
    for (const { streamId, type, data, metadata } of events) await store.append(streamId, [{ type, data, metadata }]);
    for (const { stream, type, data, metadata } of noise) await store.append(stream, [{ type, data, metadata }]);
    const runners = [0, 1].map(() => new DurableProjectionRunner(store, readModelDatabaseOf(store)!, new MetricsTables(readModelDatabaseOf(store)!), { catchUpInDatabase: true }));
    await Promise.all(runners.map((runner) => runner.start()));
    try {
      const expected = await freshStore();
      const alone = new MetricsTables(expected.database);
      await ensureReadModel(expected.database, alone);
      await expected.database.transaction(alone.fold(await store.readAll(), expected.schema));
      const tables = new MetricsTables(database);
      expect(await tables.contents()).toEqual(await alone.contents());
      expect(await tables.queueDepth()).toBe(32);
      // Both are live after: an event appended now is folded once, by one of them.
      await store.append('job-n0', [{ type: 'JobDispatched', data: { jobId: 'n0' }, metadata: { account: 'acme' } }], { expectedRevision: 0n });
      await eventually(async () => ((await tables.queueDepth()) === 31 ? true : undefined), 'the dispatch folded', 10_000, 50);
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }
  });

  it('on a real store: counts from the tables, resumes them after a restart, and observes durations only live', async () => {
    const { store } = await freshStore();
    const account = `acct${randomUUID().slice(0, 6)}`;
    const executionId = randomUUID();
    const started = (id: string) => ({ type: 'PipelineExecutionStarted', data: { inputs: { pipeline: { account, name: 'web' } } }, metadata: { account } });
    await store.append(`execution-${executionId}`, [started(executionId), { type: 'ActionExecutionStarted', data: action('Build', 'Compile'), metadata: { account } }]);
    const first = gatewayMetrics(store);
    const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(name));
    await eventually(async () => (line(await first.render({ connections: 0, live: 0 }), 'sluice_executions')?.endsWith('InProgress"} 1') ? true : undefined), 'the running execution counted', 10_000, 50);
    // Live: the action that started before this gateway ends now: not observed (its start was not seen); a new one is.
    const second = randomUUID();
    await store.append(`execution-${executionId}`, [{ type: 'ActionExecutionSucceeded', data: action('Build', 'Compile'), metadata: { account } }, { type: 'PipelineExecutionSucceeded', data: {}, metadata: { account } }]);
    await store.append(`execution-${second}`, [started(second), { type: 'ActionExecutionStarted', data: { ...action('Test', 'Unit'), actionExecutionId: `${second}/Test/Unit/1` }, metadata: { account } }]);
    await store.append(`execution-${second}`, [{ type: 'ActionExecutionFailed', data: { ...action('Test', 'Unit'), actionExecutionId: `${second}/Test/Unit/1` }, metadata: { account } }]);
    const text = await eventually(async () => {
      const now = await first.render({ connections: 0, live: 0 }, { account });
      return now.includes(`sluice_executions{account="${account}",status="Succeeded"} 1`) && now.includes('sluice_action_duration_seconds_count 1') ? now : undefined;
    }, 'the end and the live duration', 10_000, 50);
    expect(line(text, 'sluice_executions{')).toBe(`sluice_executions{account="${account}",status="InProgress"} 1`);
    await first.stop();

    // A restart: the counts are the tables' (nothing replayed into the heap), the durations start from zero.
    await store.append(`execution-${second}`, [{ type: 'PipelineExecutionFailed', data: { stageName: 'Test', message: 'no' }, metadata: { account } }]);
    const again = gatewayMetrics(store);
    const after = await eventually(async () => {
      const now = await again.render({ connections: 0, live: 0 }, { account });
      return now.includes(`status="Failed"} 1`) ? now : undefined;
    }, 'the failure counted after the restart', 10_000, 50);
    expect(after.split('\n').filter((l) => l.startsWith('sluice_executions{'))).toEqual([`sluice_executions{account="${account}",status="Failed"} 1`, `sluice_executions{account="${account}",status="Succeeded"} 1`]);
    expect(after).toContain('sluice_action_duration_seconds_count 0');
    await again.stop();
  });
});
