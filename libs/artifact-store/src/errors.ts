/** Bad input; `field` names what was wrong. The subclass says whose input: the store's or the archive functions'. */
export abstract class InputError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Bad input to the store (`sha256`, `maxBytes`, `range`). */
export class ArtifactStoreInputError extends InputError {
  override readonly name = 'ArtifactStoreInputError';
}

export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
  constructor(readonly sha256: string) {
    super(`Artifact ${sha256} not found`);
  }
}

/** The bytes do not hash to the address they were expected at: a bad upload or corrupted storage. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
    context: string,
  ) {
    super(`Checksum mismatch (${context}): expected sha256 ${expectedSha256}, got ${actualSha256}`);
  }
}

export class ArtifactTooLargeError extends Error {
  override readonly name = 'ArtifactTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`Artifact larger than the limit of ${maxBytes} bytes`);
  }
}

/** The range starts at or beyond the artifact's end (HTTP 416). */
export class RangeNotSatisfiableError extends Error {
  override readonly name = 'RangeNotSatisfiableError';
  constructor(
    readonly sha256: string,
    readonly size: number,
    readonly start: number,
  ) {
    super(`Range starting at byte ${start} is not satisfiable: artifact ${sha256} has ${size} bytes`);
  }
}
