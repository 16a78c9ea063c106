import { ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import { ConcurrencyError } from '../errors';
import type { ExpectedRevision } from '../event-store';

/** The client's WrongExpectedVersionError as our ConcurrencyError; undefined for any other error. */
export function toConcurrencyError(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): ConcurrencyError | undefined {
  if (!(error instanceof Error) || !isCommandError(error) || error.type !== ErrorType.WRONG_EXPECTED_VERSION) {
    return undefined;
  }
  return new ConcurrencyError(streamId, expected, error.actualState);
}

export function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
}
