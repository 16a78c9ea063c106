import { BrowserSessions, clearedSessionCookie, isSameOrigin, sessionCookie, sessionIdOf, SESSION_MAX_AGE_MS } from './browser-sessions';

describe('browser sessions', () => {
  it('stands for the token until it ends, expires with its token or after the maximum age, whichever is first', () => {
    let now = 1_000_000;
    const sessions = new BrowserSessions({ now: () => now });
    const short = sessions.create('tok-short', new Date(now + 60_000));
    const long = sessions.create('tok-long', new Date(now + 30 * 24 * 3600_000));
    expect([short.maxAgeSeconds, long.maxAgeSeconds]).toEqual([60, SESSION_MAX_AGE_MS / 1000]);
    expect(short.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(short.id).not.toBe(long.id);
    expect([sessions.tokenOf(short.id), sessions.tokenOf(long.id), sessions.tokenOf('unknown')]).toEqual(['tok-short', 'tok-long', undefined]);
    now += 60_000;
    expect([sessions.tokenOf(short.id), sessions.tokenOf(long.id)]).toEqual([undefined, 'tok-long']);
    sessions.end(long.id);
    expect(sessions.tokenOf(long.id)).toBeUndefined();
  });

  it('keeps at most maxSessions, dropping the oldest', () => {
    const sessions = new BrowserSessions({ maxSessions: 2 });
    const until = new Date(Date.now() + 60_000);
    const [a, b, c] = ['a', 'b', 'c'].map((token) => sessions.create(token, until).id);
    expect([sessions.tokenOf(a!), sessions.tokenOf(b!), sessions.tokenOf(c!), sessions.size]).toEqual([undefined, 'b', 'c', 2]);
  });

  it('reads the session id from the Cookie header, ignoring other cookies and malformed values', () => {
    expect(sessionIdOf({ headers: { cookie: 'theme=dark; sluice_session=abc_-9; other=1' } })).toBe('abc_-9');
    expect(sessionIdOf({ headers: { cookie: 'sluice_session=a;b' } })).toBe('a');
    expect(sessionIdOf({ headers: { cookie: 'sluice_session="x y"' } })).toBeUndefined();
    expect(sessionIdOf({ headers: { cookie: 'not_sluice_session=abc' } })).toBeUndefined();
    expect(sessionIdOf({ headers: {} })).toBeUndefined();
  });

  it('sets an httpOnly, SameSite=Strict cookie (Secure over https) and clears it', () => {
    expect(sessionCookie('id1', 60, false)).toBe('sluice_session=id1; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('id1', 60, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toBe('sluice_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });

  it('calls a request same-origin when its Origin names the host it was sent to, or when it has none', () => {
    expect(isSameOrigin({ headers: { host: 'localhost:4000', origin: 'http://localhost:4000' } })).toBe(true);
    expect(isSameOrigin({ headers: { host: 'localhost:4000' } })).toBe(true);
    expect(isSameOrigin({ headers: { host: 'localhost:4000', origin: 'http://localhost:4001' } })).toBe(false);
    expect(isSameOrigin({ headers: { host: 'localhost:4000', origin: 'https://evil.example' } })).toBe(false);
    expect(isSameOrigin({ headers: { host: 'localhost:4000', origin: 'null' } })).toBe(false);
    expect(isSameOrigin({ headers: { origin: 'http://localhost:4000' } })).toBe(false);
  });
});
