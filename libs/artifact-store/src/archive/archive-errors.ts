import { InputError } from '../errors';

/** An entry that would land outside the target or is of a kind extraction does not make. */
export class UnsafeArchiveEntryError extends Error {
  override readonly name = 'UnsafeArchiveEntryError';
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`Refused archive entry ${JSON.stringify(entry)}: ${reason}`);
  }
}

export type ArchiveLimit = 'maxTotalBytes' | 'maxEntries' | 'maxEntryBytes';

/** The archive is bigger than allowed (a size or entry-count bomb); `entry` is where it was noticed. */
export class ArchiveLimitExceededError extends Error {
  override readonly name = 'ArchiveLimitExceededError';
  constructor(
    readonly limit: ArchiveLimit,
    readonly value: number,
    readonly entry: string,
    detail: string,
  ) {
    super(`Archive exceeds ${limit} (${value}) at entry ${JSON.stringify(entry)}: ${detail}`);
  }
}

/** The bytes are not a readable archive of the announced format. */
export class InvalidArchiveError extends Error {
  override readonly name = 'InvalidArchiveError';
  constructor(
    readonly format: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Invalid ${format} archive: ${reason}`, options);
  }
}

/** Bad arguments to extractArchive/createArchive; `field` names which. */
export class ArchiveInputError extends InputError {
  override readonly name = 'ArchiveInputError';
}
