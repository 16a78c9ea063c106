import { ArtifactStoreInputError } from './errors';
import type { ArtifactAddress, ByteRange, PutArtifactOptions } from './artifact-store';

const addressPattern = /^[0-9a-f]{64}$/;

export const isArtifactAddress = (value: unknown): value is ArtifactAddress => typeof value === 'string' && addressPattern.test(value);

export function assertArtifactAddress(value: unknown, field = 'sha256'): asserts value is ArtifactAddress {
  if (!isArtifactAddress(value)) {
    throw new ArtifactStoreInputError(field, `expected 64 lowercase hex characters (a sha256), got ${JSON.stringify(value)}`);
  }
}

const isByteCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function validatePutOptions(options: PutArtifactOptions): void {
  if (options.expectedSha256 !== undefined) assertArtifactAddress(options.expectedSha256, 'expectedSha256');
  if (options.maxBytes !== undefined && !isByteCount(options.maxBytes)) {
    throw new ArtifactStoreInputError('maxBytes', `expected a non-negative integer, got ${String(options.maxBytes)}`);
  }
}

export function validateRange(range: ByteRange): void {
  if (!isByteCount(range.start)) throw new ArtifactStoreInputError('range.start', `expected a non-negative integer, got ${String(range.start)}`);
  if (range.end !== undefined && (!isByteCount(range.end) || range.end < range.start)) {
    throw new ArtifactStoreInputError('range.end', `expected an integer >= start (${range.start}), got ${String(range.end)}`);
  }
}
