import { EventStoreInputError } from '../errors';
import type { SubscribeToAllOptions, SubscribeToStreamOptions } from '../event-store';
import { assertText, describe } from '../validation/text-value';

/**
 * KurrentDB keeps its own streams (`$stats-…`, `$$…` metadata, projections) in $all beside ours;
 * reads of $all and subscriptions leave `$` streams out, so an event appended to one would vanish.
 */
export function assertNotSystemStream(streamId: string): void {
  if (streamId.startsWith('$')) {
    throw new EventStoreInputError('streamId', "must not start with '$' (KurrentDB reserves it for system streams)");
  }
}

export function validateSubscribeToAll(handler: unknown, options: SubscribeToAllOptions | undefined): void {
  validateHandler(handler);
  validateFrom(options?.fromPosition, 'fromPosition');
  const prefixes: unknown = options?.streamPrefixes;
  if (prefixes === undefined) return;
  if (!Array.isArray(prefixes)) {
    throw new EventStoreInputError('streamPrefixes', `must be an array of strings, got ${describe(prefixes)}`);
  }
  prefixes.forEach((prefix: unknown, i) => assertText(prefix, `streamPrefixes[${i}]`));
}

export function validateSubscribeToStream(
  streamId: unknown,
  handler: unknown,
  options: SubscribeToStreamOptions | undefined,
): asserts streamId is string {
  assertText(streamId, 'streamId');
  validateHandler(handler);
  validateFrom(options?.fromRevision, 'fromRevision');
}

function validateHandler(handler: unknown): void {
  if (typeof handler !== 'function') throw new EventStoreInputError('handler', `must be a function, got ${describe(handler)}`);
}

function validateFrom(value: unknown, field: string): void {
  if (value === undefined || value === 'start' || value === 'end') return;
  if (typeof value !== 'bigint' || value < 0n) {
    throw new EventStoreInputError(field, `must be a bigint >= 0, 'start' or 'end', got ${describe(value)}`);
  }
}
