import type { ExpectedRevision } from './event-store';

/** The stream's revision is not the one the writer expected: someone else wrote first. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expectedRevision: ExpectedRevision,
    /** The stream's last revision, or 'no_stream' if it has no event. */
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(
      `Concurrency conflict on stream '${streamId}': expected revision ${String(expectedRevision)}, actual ${String(actualRevision)}`,
    );
  }
}

/** Bad input to the store; `field` names what was wrong (e.g. `streamId`, `events[2].data`). */
export class EventStoreInputError extends Error {
  override readonly name = 'EventStoreInputError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
