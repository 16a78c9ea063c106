import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed download URL grants: one artifact of one account, under a file name, until `expiresAt`. */
export interface DownloadGrant {
  account: string;
  sha256: string;
  fileName: string;
  expiresAt: Date;
}

export type DownloadTokenProblem = 'malformed' | 'forged' | 'expired';

/** The token does not grant a download (HTTP 403). */
export class DownloadTokenError extends Error {
  override readonly name = 'DownloadTokenError';
  constructor(
    readonly problem: DownloadTokenProblem,
    message: string,
  ) {
    super(message);
  }
}

interface Payload {
  a: string;
  s: string;
  n: string;
  /** Unix seconds. */
  e: number;
}

const signatureOf = (secret: Buffer, payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

/** `base64url(payload).base64url(HMAC-SHA256(secret, base64url(payload)))`: the URL carries everything it grants. */
export function signDownloadToken(grant: DownloadGrant, secret: Buffer): string {
  const payload: Payload = { a: grant.account, s: grant.sha256, n: grant.fileName, e: Math.floor(grant.expiresAt.getTime() / 1000) };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${signatureOf(secret, encoded).toString('base64url')}`;
}

/** The grant of a token signed with `secret` that has not expired at `now`; a `DownloadTokenError` otherwise. */
export function verifyDownloadToken(token: string, secret: Buffer, now: Date): DownloadGrant {
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new DownloadTokenError('malformed', 'The download link is not valid: it is not a Sluice download token.');
  const [, encoded, signature] = match as unknown as [string, string, string];
  // Constant-time comparison: timing must not tell a forger how much of a signature is right.
  if (!timingSafeEqual(Buffer.from(signature, 'base64url'), signatureOf(secret, encoded))) {
    throw new DownloadTokenError('forged', 'The download link is not valid: its signature does not match (changed, or signed by another server).');
  }
  const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Payload;
  const expiresAt = new Date(payload.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) {
    throw new DownloadTokenError('expired', `The download link expired at ${expiresAt.toISOString()}; ask for a new one.`);
  }
  return { account: payload.a, sha256: payload.s, fileName: payload.n, expiresAt };
}
