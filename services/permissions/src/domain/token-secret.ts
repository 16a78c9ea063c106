import { createHash, randomBytes } from 'node:crypto';

/** API tokens of users: `slu_` + 32 random bytes in base64url (43 characters). */
export const USER_TOKEN_PREFIX = 'slu_';
/** Role-session tokens: a distinct prefix so a leaked one is recognizable as short-lived. */
export const SESSION_TOKEN_PREFIX = 'slus_';
const TOKEN_SHAPE = /^slus?_[A-Za-z0-9_-]{43}$/;

export interface IssuedToken {
  /** The secret, shown once. */
  token: string;
  tokenHash: string;
  /** The public id, in listings and the audit trail. */
  tokenId: string;
}

/** A new token; randomness comes in here, at the edge of the domain (application/ calls it). */
export function issueToken(kind: 'user' | 'session'): IssuedToken {
  const token = (kind === 'user' ? USER_TOKEN_PREFIX : SESSION_TOKEN_PREFIX) + randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token), tokenId: `tok_${randomBytes(12).toString('hex')}` };
}

/**
 * SHA-256 (hex) of the token: the store keeps this only. A slow hash (bcrypt, argon2) protects
 * guessable passwords; 256 random bits cannot be guessed, so one fast hash suffices and lets a
 * lookup be one Map access (decision 0020).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string has a token's shape; anything else is refused before hashing. */
export function looksLikeToken(text: string): boolean {
  return TOKEN_SHAPE.test(text);
}
