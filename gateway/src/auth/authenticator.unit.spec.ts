import { adminPolicy, readOnlyPolicy, type Principal } from '@sluice/authz';
import { bearerTokenOf, cachingAuthenticator, type AuthenticatedPrincipal, type Authenticator } from './authenticator';

// An in-memory Authenticator stands in for the permissions service here only: these tests are about the cache.
const principal: Principal = { id: 'rita', account: 'acme', policies: [readOnlyPolicy('acme')] };

function countingAuthenticator(answers: Record<string, AuthenticatedPrincipal | null>) {
  const asked: string[] = [];
  const authenticator: Authenticator = {
    async authenticate(token) {
      asked.push(token);
      return answers[token] ?? null;
    },
  };
  return { authenticator, asked };
}

describe('bearerTokenOf', () => {
  it.each([
    ['Bearer slu_abc', { token: 'slu_abc' }],
    ['bearer   slu_abc  ', { token: 'slu_abc' }],
  ])('reads %j', (header, expected) => expect(bearerTokenOf(header)).toEqual(expected));

  it.each([
    [undefined, /no token: send "Authorization: Bearer <token>"/],
    ['', /no token/],
    ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', /must be "Bearer <token>"/],
    ['Bearer a b', /must be "Bearer <token>"/],
  ])('refuses %j, saying why', (header, problem) => expect((bearerTokenOf(header) as { problem: string }).problem).toMatch(problem));
});

describe('cachingAuthenticator', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => now;

  it('asks once per TTL, and again after it (a revocation takes effect within the TTL)', async () => {
    const { authenticator, asked } = countingAuthenticator({ good: { principal, actor: 'rita', expiresAt: new Date(now + 3_600_000) } });
    const cached = cachingAuthenticator(authenticator, { ttlMs: 5_000, now: clock });
    await Promise.all([cached.authenticate('good'), cached.authenticate('good'), cached.authenticate('good')]);
    expect(asked).toEqual(['good']);
    now += 4_999;
    expect((await cached.authenticate('good'))?.actor).toBe('rita');
    now += 2;
    await cached.authenticate('good');
    expect(asked).toEqual(['good', 'good']);
  });

  it('never answers a token past its expiry, even within the TTL', async () => {
    const { authenticator, asked } = countingAuthenticator({ short: { principal, actor: 'rita', expiresAt: new Date(now + 1_000) } });
    const cached = cachingAuthenticator(authenticator, { ttlMs: 5_000, now: clock });
    expect(await cached.authenticate('short')).not.toBeNull();
    now += 1_000;
    expect(await cached.authenticate('short')).toBeNull();
    expect(asked).toEqual(['short', 'short']);
  });

  it('caches unknown tokens too, and does not cache failures', async () => {
    let fail = true;
    const asked: string[] = [];
    const cached = cachingAuthenticator(
      {
        async authenticate(token) {
          asked.push(token);
          if (fail) throw new Error('permissions service down');
          return { principal: { id: 'admin', account: 'acme', policies: [adminPolicy('acme')] }, actor: 'admin', expiresAt: new Date(now + 60_000) };
        },
      },
      { now: clock },
    );
    await expect(cached.authenticate('t')).rejects.toThrow('permissions service down');
    fail = false;
    expect((await cached.authenticate('t'))?.actor).toBe('admin');
    expect(asked).toEqual(['t', 't']);
    const unknown = countingAuthenticator({});
    const cachedUnknown = cachingAuthenticator(unknown.authenticator, { now: clock });
    expect(await cachedUnknown.authenticate('forged')).toBeNull();
    expect(await cachedUnknown.authenticate('forged')).toBeNull();
    expect(unknown.asked).toEqual(['forged']);
  });
});
