import { DeliveryRejected } from './delivery-rejected';
import { parseJsonObject, requiredString, stringArray } from './payload-fields';
import { hmacSha256, signatureHeaderMatches } from './signature';
import type { ParsedDelivery, WebhookProvider } from './webhook-provider';
import { headerValue, type WebhookRequest } from './webhook-request';

/** How far `X-Sluice-Timestamp` may be from now: bounds how long a captured delivery can be replayed. */
export const GENERIC_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Sluice's own webhook for any git server: `X-Sluice-Signature: sha256=<hex>` is an HMAC-SHA256 of
 * `<X-Sluice-Timestamp>.<raw body>`, the body `{ repositoryUrl, ref, commitId, changedFiles? }`.
 */
export const genericProvider: WebhookProvider = {
  verify(request: WebhookRequest, secret: string, now: Date): void {
    const timestamp = headerValue(request.headers, 'x-sluice-timestamp') ?? '';
    if (!/^\d{1,12}$/.test(timestamp)) throw new DeliveryRejected(401, 'missing or invalid X-Sluice-Timestamp');
    if (!signatureHeaderMatches(headerValue(request.headers, 'x-sluice-signature'), hmacSha256(secret, `${timestamp}.`, request.rawBody))) {
      throw new DeliveryRejected(401, 'missing or invalid X-Sluice-Signature');
    }
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > GENERIC_WEBHOOK_TOLERANCE_SECONDS) {
      throw new DeliveryRejected(401, `X-Sluice-Timestamp is more than ${GENERIC_WEBHOOK_TOLERANCE_SECONDS} s from now`);
    }
  },

  parse(request: WebhookRequest): ParsedDelivery {
    const payload = parseJsonObject(request.rawBody);
    const ref = requiredString(payload, 'ref');
    const commitId = requiredString(payload, 'commitId');
    // Without a delivery header, the signature names the delivery: the same signed message is the same delivery.
    const deliveryId = headerValue(request.headers, 'x-sluice-delivery') ?? headerValue(request.headers, 'x-sluice-signature') ?? commitId;
    return {
      kind: 'event',
      deliveryId,
      event: {
        kind: 'push',
        repositoryUrls: [requiredString(payload, 'repositoryUrl')],
        ref: ref.startsWith('refs/') ? ref : `refs/heads/${ref}`,
        commitId,
        changedFiles: stringArray(payload, 'changedFiles'),
      },
    };
  },
};
