import type { DeliveredMessage, MessageHandler } from '../bus';
import { EVENT_HEADERS } from '../relay/event-message';
import type { ProcessedEventsStore } from './processed-events-store';

/** The message has no event id to dedupe by; thrown so the message ends in the DLQ, not processed blindly. */
export class MissingEventIdError extends Error {
  override readonly name = 'MissingEventIdError';
}

/** The id of the event a message carries: the `sluice-event-id` header, else the value's `id`. */
export function eventIdOf(message: DeliveredMessage): string | undefined {
  const header = message.headers[EVENT_HEADERS.id];
  if (header) return header;
  const value = message.value as { id?: unknown } | null;
  return typeof value === 'object' && value !== null && typeof value.id === 'string' ? value.id : undefined;
}

/**
 * Wraps a handler so an event delivered again (at-least-once) is processed once: skipped if
 * `seen` has its id, recorded in `seen` only after the handler succeeded (a failure is retried).
 * Deliveries of one key arrive one at a time, so the same event is not in two calls at once
 * except across a rebalance, where the handler must tolerate a repeat anyway.
 */
export function idempotentHandler(handler: MessageHandler, seen: ProcessedEventsStore): MessageHandler {
  return async (message) => {
    const eventId = eventIdOf(message);
    if (eventId === undefined) {
      throw new MissingEventIdError(`Message ${message.topic}/${message.partition}@${message.offset} carries no event id`);
    }
    if (await seen.isProcessed(eventId)) return;
    await handler(message);
    await seen.markProcessed(eventId);
  };
}
