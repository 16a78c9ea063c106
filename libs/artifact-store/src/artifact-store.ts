import type { Readable } from 'node:stream';

/** A sha256 in lowercase hex (64 characters): where an artifact lives. */
export type ArtifactAddress = string;

export interface PutArtifactOptions {
  /** The sha256 the caller expects; a mismatch stores nothing and throws `ChecksumMismatchError`. */
  expectedSha256?: string;
  /** Refuse (`ArtifactTooLargeError`, nothing stored) once more bytes than this arrive. */
  maxBytes?: number;
}

export interface StoredArtifact {
  sha256: ArtifactAddress;
  size: number;
}

/** Inclusive byte offsets, as in an HTTP `Range: bytes=start-end` header; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface GetArtifactOptions {
  /** A ranged read is not verified: a part of the bytes cannot be checked against the whole's hash. */
  range?: ByteRange;
}

/**
 * Content-addressed, streamed storage of artifacts. Bytes go in and out as streams, never whole in
 * memory; an artifact's address is the sha256 of its bytes, checked on the way in and on the way out.
 */
export interface ArtifactStore {
  /** Stores the bytes of `source` and returns their address; storing existing content is a no-op. */
  put(source: Readable, options?: PutArtifactOptions): Promise<StoredArtifact>;
  /**
   * The bytes at `sha256` (`ArtifactNotFoundError` if none). A full read errors at its end with
   * `ChecksumMismatchError` when the stored bytes do not hash to the address.
   */
  get(sha256: ArtifactAddress, options?: GetArtifactOptions): Promise<Readable>;
  has(sha256: ArtifactAddress): Promise<boolean>;
  /** The stored size (`ArtifactNotFoundError` if none). */
  stat(sha256: ArtifactAddress): Promise<{ size: number }>;
  /** Removes the artifact; deleting an absent one is not an error. */
  delete(sha256: ArtifactAddress): Promise<void>;
  /** Every stored address, in no particular order (for retention). */
  list(): AsyncIterable<ArtifactAddress>;
  close(): Promise<void>;
}
