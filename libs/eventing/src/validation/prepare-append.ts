import { randomUUID } from 'node:crypto';
import { EventStoreInputError } from '../errors';
import type { AppendOptions, ExpectedRevision, NewEvent } from '../event-store';
import { validateExpectedRevision } from './expected-revision';
import { toJsonText } from './json-data';
import { assertText, describe } from './text-value';

/** An event checked and serialized, ready for any adapter to write. */
export interface PreparedEvent {
  id: string;
  type: string;
  /** JSON text of data. */
  data: string;
  /** JSON text of the complete metadata (defaults filled in). */
  metadata: string;
}

export interface PreparedAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: PreparedEvent[];
}

export const maxStreamIdBytes = 1024;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks an append and serializes it, so nothing invalid reaches the store and all the CPU work
 * happens before the store takes its lock. `now` is the append's time, used when an event has no
 * metadata.occurredAt.
 */
export function prepareAppend(streamId: unknown, events: unknown, options: AppendOptions | undefined, now: Date): PreparedAppend {
  assertText(streamId, 'streamId', maxStreamIdBytes);
  if (!Array.isArray(events)) throw new EventStoreInputError('events', `must be an array, got ${describe(events)}`);
  if (events.length === 0) throw new EventStoreInputError('events', 'must hold at least one event');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new EventStoreInputError('options', `must be an object, got ${describe(options)}`);
  }
  const expectedRevision = validateExpectedRevision(options?.expectedRevision);
  const occurredAt = now.toISOString();
  const seen = new Set<string>();
  const prepared = events.map((event: unknown, i) => {
    const p = prepareEvent(event, `events[${i}]`, occurredAt);
    if (seen.has(p.id)) throw new EventStoreInputError(`events[${i}].id`, `repeats the id ${p.id} of an earlier event of this append`);
    seen.add(p.id);
    return p;
  });
  return { streamId, expectedRevision, events: prepared };
}

function prepareEvent(event: unknown, field: string, occurredAt: string): PreparedEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new EventStoreInputError(field, `must be an object, got ${describe(event)}`);
  }
  const { id, type, data, metadata } = event as NewEvent & Record<string, unknown>;
  let eventId: string;
  if (id === undefined) eventId = randomUUID();
  else if (typeof id === 'string' && uuid.test(id)) eventId = id.toLowerCase();
  else throw new EventStoreInputError(`${field}.id`, 'must be a UUID string when given');
  assertText(type, `${field}.type`, 1024);
  return {
    id: eventId,
    type,
    data: toJsonText(data, `${field}.data`),
    metadata: toJsonText(completeMetadata(metadata, `${field}.metadata`, eventId, occurredAt), `${field}.metadata`),
  };
}

function completeMetadata(metadata: unknown, field: string, eventId: string, occurredAt: string): Record<string, unknown> {
  if (metadata === undefined) metadata = {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new EventStoreInputError(field, `must be an object, got ${describe(metadata)}`);
  }
  const given = metadata as Record<string, unknown>;
  const text = (key: string, fallback: string): string => {
    const value = given[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw new EventStoreInputError(`${field}.${key}`, `must be a string, got ${describe(value)}`);
    return value;
  };
  const causationId = given.causationId;
  if (causationId !== undefined && causationId !== null && typeof causationId !== 'string') {
    throw new EventStoreInputError(`${field}.causationId`, `must be a string or null, got ${describe(causationId)}`);
  }
  const when = text('occurredAt', occurredAt);
  if (Number.isNaN(Date.parse(when))) throw new EventStoreInputError(`${field}.occurredAt`, `must be an ISO-8601 instant, got '${when}'`);
  return {
    ...given,
    correlationId: text('correlationId', eventId),
    causationId: causationId ?? null,
    actor: text('actor', 'system'),
    account: text('account', ''),
    occurredAt: when,
  };
}
