import { clearedSessionCookie, isSameOrigin, sessionCookie, sessionIdOf } from './browser-sessions';

describe('browser session cookies', () => {
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
