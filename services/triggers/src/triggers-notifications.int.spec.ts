import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedAuditChainKey } from '@sluice/authz';
import { TEST_AUDIT_KEY } from '@sluice/authz/testing';
import { executionStreamId, notificationRuleStreamId, notificationTargetSecretBinding, type ExecutionEvent, type NotificationRuleEvent } from '@sluice/contracts';
import { openEmbeddedEventStore, type EmbeddedEventStore } from '@sluice/eventing';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { eventually } from '@sluice/testing';
import { startTriggersService, type TriggersService } from './triggers-service';

// The distributed mode's notifier runs in each triggers process (decision 0044): a failed execution written to the
// store reaches a signed webhook on loopback, with the link under SLUICE_PUBLIC_URL.
const SECRET = 'the-receivers-secret-0123456789';
const cipher = aesGcmMasterKeyCipher(randomBytes(32));
const dir = mkdtempSync(join(tmpdir(), 'sluice-triggers-notify-'));
const received: Array<{ valid: boolean; body: { executionId: string; link: string; eventTypeId: string } }> = [];
let store: EmbeddedEventStore;
let receiver: Server;
let triggers: TriggersService;
let hookUrl = '';

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ valid: request.headers['x-sluice-signature-256'] === `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`, body: JSON.parse(raw.toString('utf8')) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  store = await openEmbeddedEventStore({ dataDir: 'memory' });
  triggers = await startTriggersService({
    store,
    start: async () => ({ pipelineExecutionId: 'unused' }),
    secretsFile: join(dir, 'webhook-secrets.json'),
    internalSecret: randomBytes(32).toString('base64url'),
    port: 0,
    host: '127.0.0.1',
    pollIntervalMs: 3_600_000,
    auditKey: fixedAuditChainKey(TEST_AUDIT_KEY),
    masterKeyCipher: cipher,
    notifications: { settings: { publicUrl: 'https://ci.example.test', allowedAddresses: ['127.0.0.1'] }, checkpoints: store.checkpoints },
    log: () => undefined,
  });
});

afterAll(async () => {
  await triggers?.stop();
  await store?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const metadata = { account: 'acme', actor: 'user:test', correlationId: 'c-1', causationId: null, occurredAt: new Date().toISOString() };

it('delivers the notification rules of the store to their signed webhooks', async () => {
  const created: NotificationRuleEvent = {
    type: 'NotificationRuleCreated',
    data: {
      definition: {
        name: 'failures',
        pipelineName: 'app',
        eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
        targets: [{ type: 'Webhook', address: hookUrl, sealedSecret: await cipher.seal(SECRET, notificationTargetSecretBinding('acme', 'failures', 0)) }],
        status: 'ENABLED',
      },
      ruleId: randomUUID(),
      at: metadata.occurredAt,
      by: 'user:test',
    },
  };
  await store.append(notificationRuleStreamId('acme', 'failures'), [{ ...created, metadata }]);
  const executionId = randomUUID();
  const events = [
    { type: 'PipelineExecutionStarted', data: { executionId, startedBy: 'user:test', startedAt: metadata.occurredAt, inputs: { pipeline: { account: 'acme', name: 'app' }, trigger: { triggerType: 'Webhook', triggerDetail: 'x' } } } },
    { type: 'PipelineExecutionFailed', data: { stageName: 'Build', message: 'exit 3', at: metadata.occurredAt } },
  ] as unknown as ExecutionEvent[];
  await store.append(executionStreamId(executionId), events.map((event) => ({ ...event, metadata })));

  await eventually(async () => (received.length > 0 ? true : undefined), 'the notification', 20_000, 50);
  expect(received).toEqual([{ valid: true, body: expect.objectContaining({ executionId, eventTypeId: 'codepipeline-pipeline-pipeline-execution-failed', link: `https://ci.example.test/pipelines/app/executions/${executionId}` }) }]);
});
