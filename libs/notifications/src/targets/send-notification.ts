import { createHmac } from 'node:crypto';
import type { NotificationMessage, NotificationTargetType } from '@sluice/contracts';
import { postJson } from './http-post';
import type { OutboundPolicy } from './outbound-policy';
import { sendMail, type SmtpSettings } from './smtp-client';

/** The headers of a Webhook target's request (documented in docs/notifications.md). */
export const SIGNATURE_HEADER = 'x-sluice-signature-256';
export const DELIVERY_HEADER = 'x-sluice-delivery';
export const EVENT_HEADER = 'x-sluice-event';

/** One delivery as the sender sees it: the target with its secret opened, and what to say. */
export interface OutgoingNotification {
  idempotencyKey: string;
  target: { type: NotificationTargetType; address: string; secret?: string };
  message: NotificationMessage;
}

export interface SenderSettings {
  outbound: OutboundPolicy;
  /** Unset: an Email target fails each attempt, saying SMTP is not configured. */
  smtp?: SmtpSettings;
}

/** `sha256=` and the hex HMAC-SHA256 of the body's bytes under the target's secret (GitHub's form). */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The generic webhook's body: the message and its idempotency key, the same bytes on every attempt. */
export function webhookBody(notification: OutgoingNotification): string {
  return JSON.stringify({ idempotencyKey: notification.idempotencyKey, ...notification.message });
}

/** A Slack incoming webhook's body: `text` (the fallback) and blocks with the link. */
export function slackBody(message: NotificationMessage): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escape(message.summary)}*${message.detail ? `\n${escape(message.detail)}` : ''}` } },
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: message.eventTypeId.includes('approval-needed') ? 'Review the approval' : 'Open the execution' }, url: message.link }] },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${message.eventTypeId} · ${message.occurredAt}` }] },
  ];
  return JSON.stringify({ text: `${message.summary} ${message.link}`, blocks });
}

export function mailText(message: NotificationMessage): string {
  return [message.summary, '', ...(message.detail ? [message.detail, ''] : []), message.link, '', `Event: ${message.eventTypeId}`, `At: ${message.occurredAt}`].join('\n');
}

export async function sendNotification(notification: OutgoingNotification, settings: SenderSettings): Promise<void> {
  const { target, message, idempotencyKey } = notification;
  switch (target.type) {
    case 'Webhook': {
      if (target.secret === undefined) throw new Error('the target has no secret to sign with');
      const body = webhookBody(notification);
      await postJson(target.address, body, { [SIGNATURE_HEADER]: signatureOf(body, target.secret), [DELIVERY_HEADER]: idempotencyKey, [EVENT_HEADER]: message.eventTypeId }, settings.outbound);
      return;
    }
    case 'Slack':
      await postJson(target.address, slackBody(message), { [DELIVERY_HEADER]: idempotencyKey }, settings.outbound);
      return;
    case 'Email':
      if (settings.smtp === undefined) throw new Error('email is not configured on this platform (SLUICE_SMTP_HOST)');
      await sendMail(settings.smtp, {
        to: target.address,
        subject: `[Sluice] ${message.summary}`,
        text: mailText(message),
        messageId: `<${idempotencyKey}@sluice.notifications>`,
        headers: { 'X-Sluice-Delivery': idempotencyKey, 'X-Sluice-Event': message.eventTypeId },
      });
      return;
  }
}
