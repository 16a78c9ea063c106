import { randomBytes, randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { createPostgresEventStore, readModelDatabaseOf, sqlStateSnapshots, type EventStore, type PostgresEventStore, type StateSnapshots } from '@sluice/eventing';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { dropTestSchema, eventually, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { NotificationDeliveriesReadModel } from '../read-models/notification-deliveries-read-model';
import { Notifier, type NotifierOptions } from './notifier';
import { appendExecutionEvents, createRule, executionFailed, executionStarted, executionSucceeded } from './fixtures/notification-history';
import { startWebhookReceiver, type WebhookReceiver } from './fixtures/webhook-receiver';

const schema = newTestSchema('notifier');
const cipher = aesGcmMasterKeyCipher(randomBytes(32));
const SECRET = 'a-webhook-secret-of-32-characters';
let store: PostgresEventStore;
let snapshots: StateSnapshots;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  snapshots = await sqlStateSnapshots(readModelDatabaseOf(store)!);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await store.close();
  await dropTestSchema(schema);
});

/** A notifier as the product composes it on PostgreSQL: with its saved state (decision 0064), unless `saved` is false (a store without SQL). */
async function startNotifier(options: Partial<NotifierOptions> = {}, saved = true): Promise<Notifier> {
  const notifier = new Notifier({
    store,
    checkpoints: store.checkpoints,
    ...(saved ? { snapshots } : {}),
    subscriberId: `notifier-${randomUUID()}`,
    baseUrl: 'https://sluice.example.test/',
    sender: { outbound: { allowedAddresses: ['127.0.0.1'] } },
    openSecret: (sealed, binding) => cipher.open(sealed, binding),
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  await notifier.start();
  closers.push(() => notifier.stop());
  return notifier;
}

async function receiver(secret: string | undefined): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(secret);
  closers.push(() => started.close());
  return started;
}

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

async function smtpServer(): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((to) => to.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as { port: number }).port, mails };
}

const account = () => `acct${randomBytes(4).toString('hex')}`;

/** The account's deliveries as the store says (the notifier holds only unsettled ones). */
async function history(account: string) {
  const model = new NotificationDeliveriesReadModel();
  for (const event of await store.readAll()) model.apply(event);
  return model.list(account);
}

/** The store, counting the events its subscriptions deliver. */
function counting(target: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const store = new Proxy(target, {
    get(object, property) {
      if (property === 'subscribeToAll') {
        return (handler: Parameters<EventStore['subscribeToAll']>[0], options: Parameters<EventStore['subscribeToAll']>[1]) =>
          object.subscribeToAll((event) => {
            read += 1;
            return handler(event);
          }, options);
      }
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
  return { store, read: () => read };
}

/** `count` finished executions of a pipeline no rule names: 2 events each. */
async function noise(account: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const executionId = randomUUID();
    await appendExecutionEvents(store, account, executionId, [executionStarted(account, 'noise', executionId), executionSucceeded()]);
  }
}

describe('Notifier', () => {
  it('sends a failed execution to a signed webhook, a Slack webhook and by mail, once each, with the deep link; another account and another event get nothing', async () => {
    const webhook = await receiver(SECRET);
    const slack = await receiver(undefined);
    const smtp = await smtpServer();
    const notifier = await startNotifier({ sender: { outbound: { allowedAddresses: ['127.0.0.1'] }, smtp: { host: '127.0.0.1', port: smtp.port, from: 'sluice@example.test' } } });
    const [mine, other] = [account(), account()];
    await createRule(store, cipher, mine, {
      name: 'on-failure',
      pipelineName: 'app',
      eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
      targets: [
        { type: 'Webhook', address: webhook.url, secret: SECRET },
        { type: 'Slack', address: slack.url },
        { type: 'Email', address: 'oncall@example.test' },
      ],
    });
    const executionId = randomUUID();
    await appendExecutionEvents(store, mine, executionId, [executionStarted(mine, 'app', executionId), executionFailed('Build', 'npm test exited with 1')]);
    // The other account's pipeline of the same name fails too: its events match no rule of its own.
    const othersExecution = randomUUID();
    await appendExecutionEvents(store, other, othersExecution, [executionStarted(other, 'app', othersExecution), executionFailed('Build', 'secret of the other account')]);

    await eventually(async () => (webhook.processedKeys().size === 1 && slack.received.length === 1 && smtp.mails.length === 1 ? true : undefined), 'all three targets notified', 20_000, 50);
    const [hook] = webhook.received;
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.event).toBe('codepipeline-pipeline-pipeline-execution-failed');
    expect(hook!.body).toMatchObject({
      idempotencyKey: hook!.key,
      eventTypeId: 'codepipeline-pipeline-pipeline-execution-failed',
      pipelineName: 'app',
      executionId,
      stageName: 'Build',
      detail: 'npm test exited with 1',
      link: `https://sluice.example.test/pipelines/app/executions/${executionId}`,
    });
    const slackBody = slack.received[0]!.body as { text: string; blocks: Array<{ type: string; elements?: Array<{ url?: string }> }> };
    expect(slackBody.text).toContain(`execution ${executionId} failed in stage Build`);
    expect(slackBody.blocks.find((block) => block.type === 'actions')!.elements![0]!.url).toBe(`https://sluice.example.test/pipelines/app/executions/${executionId}`);
    const [mail] = smtp.mails;
    expect(mail!.from).toBe('sluice@example.test');
    expect(mail!.to).toEqual(['oncall@example.test']);
    expect(mail!.raw).toContain(`Subject: [Sluice] Pipeline app: execution ${executionId} failed in stage Build.`);
    expect(mail!.raw).toContain(`https://sluice.example.test/pipelines/app/executions/${executionId}`);
    expect(mail!.raw).toMatch(/Message-ID: <[0-9a-f]{40}@sluice\.notifications>/);
    expect(JSON.stringify([...webhook.received, ...slack.received]) + smtp.mails.map((m) => m.raw).join()).not.toContain('secret of the other account');

    await eventually(async () => ((await history(mine)).every((d) => d.status === 'Succeeded') ? true : undefined), 'history settled', 5_000, 50);
    // Settled, the deliveries are the store's history: the notifier keeps only those it still has to try (once it has
    // folded the outcomes the table already shows: its subscription and the table's runner are two readers).
    await eventually(async () => (notifier.deliveries.unsettled().length === 0 ? true : undefined), 'the notifier to let the settled deliveries go', 5_000, 50);
    expect(notifier.deliveries.unsettled()).toEqual([]);
    expect((await history(mine)).map((d) => [d.targetType, d.status, d.attempts]).sort()).toEqual([
      ['Email', 'Succeeded', 1],
      ['Slack', 'Succeeded', 1],
      ['Webhook', 'Succeeded', 1],
    ]);
    expect(await history(other)).toEqual([]);
  });

  it('retries a failing target with backoff until it answers, and records a target that never answers as failed with its error', async () => {
    const flaky = await receiver(SECRET);
    const down = await receiver(SECRET);
    flaky.failNext(2);
    down.failNext(1000);
    await startNotifier();
    const mine = account();
    await createRule(store, cipher, mine, { name: 'flaky', pipelineName: 'app', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-succeeded'], targets: [{ type: 'Webhook', address: flaky.url, secret: SECRET }] });
    await createRule(store, cipher, mine, { name: 'down', pipelineName: 'app', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-succeeded'], targets: [{ type: 'Webhook', address: down.url, secret: SECRET }] });
    const executionId = randomUUID();
    await appendExecutionEvents(store, mine, executionId, [executionStarted(mine, 'app', executionId), executionSucceeded()]);

    const settled = (rule: string) => eventually(async () => (await history(mine)).find((d) => d.ruleName === rule && (d.status === 'Succeeded' || d.status === 'Failed')), `${rule} settled`, 20_000, 50);
    expect(await settled('flaky')).toMatchObject({ status: 'Succeeded', attempts: 3 });
    expect(flaky.received.map((r) => r.key)).toEqual(Array(3).fill(flaky.received[0]!.key));
    expect(await settled('down')).toMatchObject({ status: 'Failed', attempts: 3, lastError: expect.stringContaining('answered HTTP 500'), nextAttemptAt: null });
    expect(down.received).toHaveLength(3);
    // The attempts are events of the delivery's stream: requested, then attempted/failed twice, then attempted/succeeded.
    const flakyDelivery = (await history(mine)).find((d) => d.ruleName === 'flaky');
    const stream = await store.readStream(`notificationdelivery-${mine}.${flakyDelivery!.idempotencyKey}`);
    expect(stream.map((e) => e.type)).toEqual([
      'NotificationDeliveryRequested',
      'NotificationDeliveryAttempted',
      'NotificationDeliveryFailed',
      'NotificationDeliveryAttempted',
      'NotificationDeliveryFailed',
      'NotificationDeliveryAttempted',
      'NotificationDeliverySucceeded',
    ]);
    const waits = stream.filter((e) => e.type === 'NotificationDeliveryFailed').map((e) => Date.parse((e.data as { nextAttemptAt: string }).nextAttemptAt) - Date.parse((e.data as { at: string }).at));
    expect(waits).toEqual([50, 100]);
  });

  it('restarts from its saved state: reads only the events after it, notifies for an execution started before it, and tries a delivery the state left unsettled', async () => {
    const target = await receiver(SECRET);
    const mine = account();
    const subscriberId = `notifier-${randomUUID()}`;
    const retry = { maxAttempts: 3, initialDelayMs: 3_000, maxDelayMs: 3_000 };
    await createRule(store, cipher, mine, { name: 'everything', pipelineName: 'app', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started', 'codepipeline-pipeline-pipeline-execution-failed'], targets: [{ type: 'Webhook', address: target.url, secret: SECRET }] });
    const first = await startNotifier({ subscriberId, retry });
    target.failNext(1);
    const executionId = randomUUID();
    await appendExecutionEvents(store, mine, executionId, [executionStarted(mine, 'app', executionId)]);
    const retrying = await eventually(async () => (await history(mine)).find((d) => d.status === 'Retrying'), 'the first attempt failed', 10_000, 20);
    // More than a checkpoint's worth of events: the state is saved after them, the retrying delivery in it.
    await noise(mine, 60);
    const saved = await eventually(async () => {
      const state = await snapshots.load(subscriberId);
      return state && (state.state as { deliveries: unknown[] }).deliveries.length === 1 ? state : undefined;
    }, 'the state saved with the retrying delivery', 10_000, 20);
    await first.stop();
    closers.splice(closers.length - 1, 1);
    expect(target.received).toHaveLength(1);
    const storedBefore = (await store.readAll()).length;

    // Written while no notifier runs: a failure of the execution started before the saved state.
    await appendExecutionEvents(store, mine, executionId, [executionFailed('Build', 'exit 1')]);
    const counted = counting(store);
    const second = await startNotifier({ store: counted.store, subscriberId, retry });
    const readAtStart = counted.read();
    expect(storedBefore).toBeGreaterThan(120);
    const after = (await store.readAll()).filter((event) => event.position > saved.position && /^(execution-|notificationrule-|notificationdelivery-)/.test(event.streamId));
    expect(readAtStart).toBeLessThanOrEqual(after.length);
    // The noise after the last save (up to a checkpoint's worth) and the failure: not the history before the state.
    expect(readAtStart).toBeGreaterThan(0);
    expect(readAtStart).toBeLessThan(storedBefore / 4);

    await eventually(async () => ((await history(mine)).length === 2 && (await history(mine)).every((d) => d.status === 'Succeeded') ? true : undefined), 'both delivered', 15_000, 50);
    const settled = await history(mine);
    expect(settled.map((d) => [d.eventTypeId, d.attempts]).sort()).toEqual([
      ['codepipeline-pipeline-pipeline-execution-failed', 1],
      ['codepipeline-pipeline-pipeline-execution-started', 2],
    ]);
    // The retried delivery came from the saved state (its events are before its position), with the same key.
    expect(settled.find((d) => d.idempotencyKey === retrying.idempotencyKey)!.status).toBe('Succeeded');
    expect(target.received.filter((r) => r.key === retrying.idempotencyKey)).toHaveLength(2);
    // The notifier's own view settles when its subscription folds the stored result back: after the history shows it.
    await eventually(async () => (second.deliveries.unsettled().length === 0 ? true : undefined), 'the notifier to let the settled deliveries go', 5_000, 50);
    expect(second.deliveries.unsettled()).toEqual([]);
  });

  it('refuses a loopback target the operator did not list, naming the setting', async () => {
    const local = await receiver(SECRET);
    // A store without SQL gives the notifier no saved state: it folds from the first event (decision 0064).
    await startNotifier({ sender: { outbound: { allowedAddresses: [] } }, retry: { maxAttempts: 1 } }, false);
    const mine = account();
    await createRule(store, cipher, mine, { name: 'local', pipelineName: 'app', eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started'], targets: [{ type: 'Webhook', address: local.url, secret: SECRET }] });
    const executionId = randomUUID();
    await appendExecutionEvents(store, mine, executionId, [executionStarted(mine, 'app', executionId)]);
    const delivery = await eventually(async () => (await history(mine)).find((d) => d.status === 'Failed'), 'refused', 10_000, 50);
    expect(delivery.lastError).toMatch(/127\.0\.0\.1, a loopback address, reached only when SLUICE_NOTIFICATION_ALLOWED_ADDRESSES lists it/);
    expect(local.received).toHaveLength(0);
  });
});
