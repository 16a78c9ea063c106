import { timingSafeEqual } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureOf } from '@sluice/notifications';

/** Where the demo's notification rule sends, on the platform's own gateway. */
export const DEMO_NOTIFICATIONS_PATH = '/demo/notifications';
/** Under `$SLUICE_DATA_DIR/demo`: the webhook target's secret (written at the demo's set-up, mode 600) and what arrived. */
export const DEMO_NOTIFICATION_SECRET_FILE = 'notification-secret';
export const DEMO_NOTIFICATIONS_LOG = 'notifications.log';

/** The receiver's URL for a gateway at `gatewayUrl`: loopback by address, as the notifier connects to it. */
export function demoNotificationsUrl(gatewayUrl: string): string {
  return `http://127.0.0.1:${new URL(gatewayUrl).port}${DEMO_NOTIFICATIONS_PATH}`;
}

/** One line of the log a person reads with `tail -f`: when, what, the summary, the link, and the delivery key last. */
export function demoNotificationLine(message: { occurredAt: string; eventTypeId: string; summary: string; link: string }, deliveryKey: string): string {
  return `${message.occurredAt}  ${message.eventTypeId}  ${message.summary}  ${message.link}  [${deliveryKey}]\n`;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The demo's webhook receiver, a route of the embedded platform's gateway (decision 0055): it checks the signature
 * with the secret the demo's set-up wrote and appends one line per notification to `notifications.log`, once per
 * delivery key (a redelivery is answered 200 and not written again). Anything unsigned is refused, so nobody else
 * can write to the data folder through it.
 */
export function demoNotificationReceiver(demoRoot: string) {
  const logFile = join(demoRoot, DEMO_NOTIFICATIONS_LOG);
  let secret: string | undefined;
  let seen: Set<string> | undefined;
  // One request at a time: the check for a key already written and the append must not interleave.
  let queue: Promise<unknown> = Promise.resolve();

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return answer(res, 405, 'POST a signed notification here', { allow: 'POST' });
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, `a notification is at most ${MAX_BODY_BYTES} bytes`);
    secret ??= await readFile(join(demoRoot, DEMO_NOTIFICATION_SECRET_FILE), 'utf8').then((text) => text.trim(), () => undefined);
    if (secret === undefined) return answer(res, 404, 'the demo has no notification rule on this platform');
    const given = Buffer.from(String(req.headers[SIGNATURE_HEADER] ?? ''));
    const expected = Buffer.from(signatureOf(body, secret));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(res, 401, `${SIGNATURE_HEADER}: not the demo rule's signature of the body`);
    const key = String(req.headers[DELIVERY_HEADER] ?? '');
    if (!/^[\w-]{1,128}$/.test(key)) return answer(res, 400, `${DELIVERY_HEADER}: expected the delivery's key`);
    let message: { occurredAt: string; eventTypeId: string; summary: string; link: string };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return answer(res, 400, 'the body is not JSON');
    }
    const write = async () => {
      seen ??= await readFile(logFile, 'utf8').then((text) => new Set([...text.matchAll(/\[([^\]]+)\]$/gm)].map((match) => match[1]!)), () => new Set<string>());
      if (seen.has(key)) return;
      await appendFile(logFile, demoNotificationLine(message, key), { mode: 0o600 });
      seen.add(key);
    };
    const turn = queue.then(write, write);
    queue = turn.catch(() => undefined);
    await turn;
    answer(res, 200, 'received');
  }

  return { prefix: DEMO_NOTIFICATIONS_PATH, handle: receive };
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store', ...headers }).end(text);
}

/** The body as text, or undefined past the limit (the rest is drained). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
