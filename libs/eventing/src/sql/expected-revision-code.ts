import type { ExpectedRevision } from '../event-store';

/** How append_events receives an expected revision: a revision >= 0, or a negative code. */
export function expectedRevisionCode(expected: ExpectedRevision): string {
  switch (expected) {
    case 'no_stream':
      return '-1';
    case 'any':
      return '-2';
    case 'stream_exists':
      return '-3';
    default:
      return expected.toString();
  }
}

/** append_events reports a stream without events as revision -1. */
export const actualRevisionOf = (revision: bigint): bigint | 'no_stream' => (revision < 0n ? 'no_stream' : revision);
