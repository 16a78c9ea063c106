import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureOf } from '@sluice/notifications';
import { DEMO_NOTIFICATIONS_PATH, demoNotificationReceiver } from './demo-notification-receiver';

// The demo's receiver on a real HTTP server: only the demo rule's signature writes, once per delivery key.
describe('the demo notification receiver', () => {
  let root: string;
  let server: Server;
  let url: string;
  const secret = 'the-demo-rule-secret-0123456789';
  const message = { occurredAt: '2026-12-06T18:00:00.000Z', eventTypeId: 'codepipeline-pipeline-manual-approval-needed', summary: 'Pipeline demo: approval Approval/Approve is waiting.', link: 'http://localhost:4000/pipelines/demo#Approval/Approve' };
  const body = JSON.stringify({ idempotencyKey: 'k1', ...message });
  const post = (headers: Record<string, string>, payload = body, method = 'POST') => fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: payload } : {}) });
  const log = () => readFileSync(join(root, 'notifications.log'), 'utf8');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-demo-receiver-'));
    const route = demoNotificationReceiver(root);
    server = createServer((req, res) => void route.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${DEMO_NOTIFICATIONS_PATH}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses everything before the demo wrote its secret, then writes a signed notification once per delivery key', async () => {
    const signed = { [SIGNATURE_HEADER]: signatureOf(body, secret), [DELIVERY_HEADER]: 'k1' };
    expect((await post(signed)).status).toBe(404);

    writeFileSync(join(root, 'notification-secret'), `${secret}\n`, { mode: 0o600 });
    expect((await post({ [SIGNATURE_HEADER]: signatureOf(body, 'another-secret-0123456789'), [DELIVERY_HEADER]: 'k1' })).status).toBe(401);
    expect((await post({ [DELIVERY_HEADER]: 'k1' })).status).toBe(401);
    expect((await post({}, body, 'GET')).status).toBe(405);
    expect((await post({ [SIGNATURE_HEADER]: signatureOf('x'.repeat(70_000), secret), [DELIVERY_HEADER]: 'k1' }, 'x'.repeat(70_000))).status).toBe(413);

    expect((await post(signed)).status).toBe(200);
    expect(log()).toBe(`${message.occurredAt}  ${message.eventTypeId}  ${message.summary}  ${message.link}  [k1]\n`);
    // A redelivery (the notifier's at-least-once) is answered and not written again.
    expect((await post(signed)).status).toBe(200);
    const second = JSON.stringify({ idempotencyKey: 'k2', ...message, eventTypeId: 'codepipeline-pipeline-manual-approval-succeeded' });
    expect((await post({ [SIGNATURE_HEADER]: signatureOf(second, secret), [DELIVERY_HEADER]: 'k2' }, second)).status).toBe(200);
    expect(log().split('\n').filter(Boolean).map((line) => line.split('  ')[1])).toEqual(['codepipeline-pipeline-manual-approval-needed', 'codepipeline-pipeline-manual-approval-succeeded']);
  });
});
