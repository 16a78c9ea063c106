import type { SourceEvent } from '../planning/source-event';
import type { WebhookRequest } from './webhook-request';

/** What a verified delivery says: a source event, or an event kind triggers do not act on. */
export type ParsedDelivery = { kind: 'event'; deliveryId: string; event: SourceEvent } | { kind: 'ignored'; reason: string };

/** One provider's wire format. `verify` runs before the body is parsed and throws `DeliveryRejected(401)`. */
export interface WebhookProvider {
  verify(request: WebhookRequest, secret: string, now: Date): void;
  parse(request: WebhookRequest): ParsedDelivery;
}
