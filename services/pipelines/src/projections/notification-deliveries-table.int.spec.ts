import { randomUUID } from 'node:crypto';
import { notificationDeliveryStreamId, type NotificationDeliveryEvent } from '@sluice/contracts';
import { createPostgresEventStore, DurableProjectionRunner, DurableRebuildable, readModelDatabaseOf, SqlReadModelDatabase, type PostgresEventStore, type ReadModelDatabase } from '@sluice/eventing';
import { rebuiltSkipping } from '@sluice/eventing/testing';
import { NotificationDeliveriesReadModel } from '@sluice/notifications';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { NotificationDeliveriesTable } from './notification-deliveries-table';

// The deliveries' history as a durable read model (decision 0066) on PostgreSQL: what `notificationDeliveries` lists,
// equal to the in-memory fold the notifier shares, resumed after its checkpoint, rebuilt in place equal to the live table.
const schema = newTestSchema('deliveries');
let store: PostgresEventStore;
let database: ReadModelDatabase;

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  database = readModelDatabaseOf(store)!;
});
afterAll(async () => {
  await store.close();
  await dropTestSchema(schema);
  await dropTestSchema(`${schema}_rebuilt`);
});

const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, second)).toISOString();

async function deliver(account: string, pipelineName: string, ruleName: string, requestedAt: string, outcome: Array<NotificationDeliveryEvent['type']>): Promise<string> {
  const key = randomUUID().replace(/-/g, '');
  const executionId = randomUUID();
  const events: NotificationDeliveryEvent[] = [
    {
      type: 'NotificationDeliveryRequested',
      data: {
        idempotencyKey: key,
        ruleName,
        ruleId: `rule-${ruleName}`,
        targetIndex: 0,
        targetType: 'Webhook',
        sourceEventId: randomUUID(),
        message: { eventTypeId: 'codepipeline-pipeline-pipeline-execution-failed', account, pipelineName, executionId, stageName: 'Build', actionName: null, summary: `${pipelineName} failed`, detail: null, link: `https://sluice.test/${executionId}`, occurredAt: requestedAt },
        at: requestedAt,
      },
    },
  ];
  let attempt = 0;
  for (const type of outcome) {
    if (type === 'NotificationDeliveryAttempted') events.push({ type, data: { attempt: ++attempt, at: requestedAt } });
    if (type === 'NotificationDeliverySucceeded') events.push({ type, data: { attempt, at: requestedAt } });
    if (type === 'NotificationDeliveryFailed') events.push({ type, data: { attempt, error: `HTTP 500 on attempt ${attempt}`, nextAttemptAt: attempt < 2 ? at(59) : null, at: requestedAt } });
  }
  for (const event of events) await store.append(notificationDeliveryStreamId(account, key), [{ ...event, metadata: { account, actor: 'system:notifier' } }]);
  return key;
}

describe('the notification deliveries table', () => {
  it('lists what the in-memory fold lists, newest first, filtered; resumes after its checkpoint; rebuilds equal', async () => {
    const [acme, globex] = [`acme${randomUUID().slice(0, 6)}`, `globex${randomUUID().slice(0, 6)}`];
    await deliver(acme, 'web', 'on-failure', at(1), ['NotificationDeliveryAttempted', 'NotificationDeliverySucceeded']);
    await deliver(acme, 'web', 'on-failure', at(3), ['NotificationDeliveryAttempted', 'NotificationDeliveryFailed']);
    await deliver(acme, 'web', 'flaky', at(2), ['NotificationDeliveryAttempted', 'NotificationDeliveryFailed', 'NotificationDeliveryAttempted', 'NotificationDeliveryFailed']);
    await deliver(acme, 'api', 'on-failure', at(4), []);
    await deliver(globex, 'web', 'on-failure', at(5), ['NotificationDeliveryAttempted']);

    const table = new NotificationDeliveriesTable(database);
    const runner = new DurableProjectionRunner(store, database, table);
    await runner.start();
    const memory = new NotificationDeliveriesReadModel();
    for (const event of await store.readAll()) memory.apply(event);
    for (const filter of [{ pipelineName: 'web' }, { pipelineName: 'web', ruleName: 'on-failure' }, { pipelineName: 'web', status: 'Retrying' as const }, { pipelineName: 'api' }, { pipelineName: 'none' }]) {
      for (const account of [acme, globex]) expect({ account, filter, rows: await table.list(account, filter, 50) }).toEqual({ account, filter, rows: memory.list(account, filter, 50) });
    }
    expect((await table.list(acme, { pipelineName: 'web' }, 50)).map((d) => [d.ruleName, d.status, d.attempts])).toEqual([
      ['on-failure', 'Retrying', 1],
      ['flaky', 'Failed', 2],
      ['on-failure', 'Succeeded', 1],
    ]);
    expect(await table.list(acme, { pipelineName: 'web' }, 1)).toHaveLength(1);
    await runner.stop();

    // A restart reads only what came after its checkpoint.
    await deliver(acme, 'web', 'on-failure', at(6), ['NotificationDeliveryAttempted', 'NotificationDeliverySucceeded']);
    const again = new DurableProjectionRunner(store, database, table);
    await again.start();
    expect(again.eventsRead).toBe(3);
    expect(await table.list(acme, { pipelineName: 'web' }, 50)).toHaveLength(4);
    await again.stop();

    const side = new SqlReadModelDatabase(store.database, `${schema}_rebuilt`);
    const [copy] = await rebuiltSkipping(store, [new DurableRebuildable(side, new NotificationDeliveriesTable(side))]);
    expect(await copy!.contents()).toEqual(await table.contents());
    const [blind] = await rebuiltSkipping(store, [new DurableRebuildable(side, new NotificationDeliveriesTable(side))], 'NotificationDeliveryFailed');
    expect(await blind!.contents()).not.toEqual(await table.contents());
  });
});
