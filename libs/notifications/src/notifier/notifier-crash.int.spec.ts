import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { dropTestSchema, eventually, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { NotificationDeliveriesReadModel } from '../read-models/notification-deliveries-read-model';
import { appendExecutionEvents, createRule, executionFailed, executionStarted } from './fixtures/notification-history';
import { startWebhookReceiver, type WebhookReceiver } from './fixtures/webhook-receiver';

const schema = newTestSchema('notifier_crash');
const masterKey = randomBytes(32);
const cipher = aesGcmMasterKeyCipher(masterKey);
const SECRET = 'the-receivers-secret-0123456789';
const subscriber = `notifier-${randomUUID()}`;
let store: PostgresEventStore;
let webhook: WebhookReceiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  webhook = await startWebhookReceiver(SECRET);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await webhook.close();
  await store.close();
  await dropTestSchema(schema);
});

/** Starts the notifier as its own process and resolves when it is caught up with the store. */
function startNotifierProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'notifier-process.ts')], {
    env: { ...process.env, NOTIFIER_TEST_POSTGRES_URL: testPostgresUrl(), NOTIFIER_TEST_SCHEMA: schema, NOTIFIER_TEST_MASTER_KEY: masterKey.toString('hex'), NOTIFIER_TEST_SUBSCRIBER: subscriber },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code, signal) => reject(new Error(`the notifier process ended before it was ready (${code ?? signal}): ${stderr}`)));
  });
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function history(account: string) {
  const model = new NotificationDeliveriesReadModel();
  for (const event of await store.readAll()) model.apply(event);
  return model.list(account);
}

describe('the notifier killed with kill -9', () => {
  it('loses no notification and processes none twice: killed during a delivery, and with an event written while it was down', async () => {
    const account = `acct${randomBytes(4).toString('hex')}`;
    await createRule(store, cipher, account, {
      name: 'everything',
      pipelineName: 'app',
      eventTypeIds: ['codepipeline-pipeline-pipeline-execution-started', 'codepipeline-pipeline-pipeline-execution-failed'],
      targets: [{ type: 'Webhook', address: webhook.url, secret: SECRET }],
    });
    const first = await startNotifierProcess();
    const held = webhook.holdNext();
    const executionId = randomUUID();
    await appendExecutionEvents(store, account, executionId, [executionStarted(account, 'app', executionId)]);
    // The request reached the receiver, which has not answered: the notifier dies between the send and its outcome.
    const startedDelivery = await held;
    await kill9(first);
    expect((await history(account)).map((d) => d.status)).toEqual(['InProgress']);

    // An event while no notifier runs: owed, not yet planned.
    await appendExecutionEvents(store, account, executionId, [executionFailed('Deploy', 'the deploy failed')]);
    const second = await startNotifierProcess();
    await eventually(async () => ((await history(account)).every((d) => d.status === 'Succeeded') && webhook.processedKeys().size === 2 ? true : undefined), 'both delivered', 30_000, 100);
    await kill9(second);

    // A third start after everything succeeded sends nothing again.
    const third = await startNotifierProcess();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill9(third);

    const keys = webhook.received.map((r) => r.key);
    const failedKey = webhook.received.find((r) => r.event === 'codepipeline-pipeline-pipeline-execution-failed')!.key;
    // The delivery cut by the kill was sent again with the same key (at least once); every other exactly once.
    expect(keys.filter((key) => key === startedDelivery.key)).toHaveLength(2);
    expect(keys.filter((key) => key === failedKey)).toHaveLength(1);
    expect(keys).toHaveLength(3);
    expect(webhook.received.every((r) => r.signatureValid)).toBe(true);
    expect(webhook.processedKeys()).toEqual(new Set([startedDelivery.key, failedKey]));
    const settled = await history(account);
    expect(settled.map((d) => [d.eventTypeId, d.status, d.attempts]).sort()).toEqual([
      ['codepipeline-pipeline-pipeline-execution-failed', 'Succeeded', 1],
      ['codepipeline-pipeline-pipeline-execution-started', 'Succeeded', 2],
    ]);
  });
});
