import { EventStoreInputError } from '../errors';
import type { ExpectedRevision } from '../event-store';

const maxRevision = 2n ** 63n - 1n;

export function validateExpectedRevision(value: unknown, field = 'expectedRevision'): ExpectedRevision {
  if (value === undefined) return 'any';
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return value;
  if (typeof value === 'bigint') {
    if (value < 0n || value > maxRevision) throw new EventStoreInputError(field, `must be a revision >= 0, got ${value}`);
    return value;
  }
  throw new EventStoreInputError(
    field,
    `must be 'no_stream', 'any', 'stream_exists' or a bigint revision, got ${typeof value === 'string' ? `'${value}'` : typeof value}`,
  );
}
