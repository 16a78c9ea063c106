import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { ChecksumMismatchError } from '../errors';

/**
 * Passes bytes through and, at the end, errors with `ChecksumMismatchError` instead of ending when
 * they do not hash to `expectedSha256`. A reader sees the bytes as they come and learns at the end
 * whether they were the right ones.
 */
export function verifySha256(expectedSha256: string, context: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === expectedSha256 ? null : new ChecksumMismatchError(expectedSha256, actual, context));
    },
  });
}
