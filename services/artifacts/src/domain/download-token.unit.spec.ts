import { DownloadTokenError, signDownloadToken, verifyDownloadToken } from './download-token';

const secret = Buffer.from('a-secret-of-at-least-32-characters!!');
const now = new Date('2026-06-01T12:00:00.000Z');
const grant = { account: 'acme', sha256: 'ab'.repeat(32), fileName: 'web-BuildOutput.zip', expiresAt: new Date(now.getTime() + 15 * 60_000) };

function problemOf(token: string, key = secret, at = now): string {
  try {
    verifyDownloadToken(token, key, at);
  } catch (error) {
    if (error instanceof DownloadTokenError) return error.problem;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

describe('download tokens', () => {
  it('grant what was signed until they expire', () => {
    const token = signDownloadToken(grant, secret);
    expect(verifyDownloadToken(token, secret, now)).toEqual(grant);
    expect(problemOf(token, secret, grant.expiresAt)).toBe('expired');
  });

  it('refuse a changed payload, a changed signature and another server secret', () => {
    const token = signDownloadToken(grant, secret);
    const [payload, signature] = token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ a: 'acme', s: 'cd'.repeat(32), n: 'x', e: 9_999_999_999 })).toString('base64url');
    expect(problemOf(`${other}.${signature}`)).toBe('forged');
    expect(problemOf(`${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe('forged');
    expect(problemOf(token, Buffer.from('another-secret-of-32-characters-or-more'))).toBe('forged');
    expect(problemOf('not-a-token')).toBe('malformed');
  });
});
