import { EventStoreInputError } from '../errors';
import type { ReadAllOptions, ReadStreamOptions } from '../event-store';
import { assertText, describe } from './text-value';

export interface StreamRange {
  streamId: string;
  direction: 'forwards' | 'backwards';
  /** Inclusive bounds; undefined = open end. */
  from: bigint | 'start' | 'end';
  to: bigint | undefined;
  maxCount: number | undefined;
}

function maxCountOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new EventStoreInputError('maxCount', `must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

function revisionOf(value: unknown, field: string, words: readonly string[]): bigint | undefined {
  if (value === undefined || words.includes(value as string)) return undefined;
  if (typeof value !== 'bigint' || value < 0n) {
    throw new EventStoreInputError(field, `must be a bigint >= 0${words.map((w) => ` or '${w}'`).join('')}, got ${describe(value)}`);
  }
  return value;
}

export function validateReadStream(streamId: unknown, options: ReadStreamOptions = {}): StreamRange {
  assertText(streamId, 'streamId');
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new EventStoreInputError('direction', `must be 'forwards' or 'backwards', got '${String(direction)}'`);
  }
  const from = revisionOf(options.from, 'from', ['start', 'end']) ?? options.from ?? (direction === 'forwards' ? 'start' : 'end');
  return { streamId, direction, from, to: revisionOf(options.to, 'to', []), maxCount: maxCountOf(options.maxCount) };
}

export function validateReadAll(options: ReadAllOptions = {}): { fromPosition: bigint; maxCount: number | undefined } {
  return { fromPosition: revisionOf(options.fromPosition, 'fromPosition', ['start']) ?? 0n, maxCount: maxCountOf(options.maxCount) };
}

export function validateSubscriberId(subscriberId: unknown): asserts subscriberId is string {
  assertText(subscriberId, 'subscriberId', 1024);
}

export function validateCheckpoint(subscriberId: unknown, position: unknown): void {
  validateSubscriberId(subscriberId);
  if (typeof position !== 'bigint' || position < 0n) {
    throw new EventStoreInputError('position', `must be a bigint >= 0, got ${describe(position)}`);
  }
}
