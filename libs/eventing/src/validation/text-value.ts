import { EventStoreInputError } from '../errors';

// A lone surrogate would be replaced by U+FFFD on its way to UTF-8; NUL is refused by PostgreSQL text.
const unstorable = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A non-empty string that survives a round trip through a UTF-8 text column unchanged. */
export function assertText(value: unknown, field: string, maxBytes?: number): asserts value is string {
  if (typeof value !== 'string') throw new EventStoreInputError(field, `must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new EventStoreInputError(field, 'must not be empty');
  if (unstorable.test(value)) throw new EventStoreInputError(field, 'must not contain NUL or unpaired surrogate characters');
  if (maxBytes !== undefined && Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new EventStoreInputError(field, `must be at most ${maxBytes} bytes in UTF-8`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
