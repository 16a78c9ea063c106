import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string, ...parts: Array<string | Buffer>): Buffer {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** `sha256=<hex>` against the expected digest, in constant time; a malformed header simply fails. */
export function signatureHeaderMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** Hashing both sides first gives equal-length buffers, so not even the secret's length leaks. */
export function secretsEqual(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
