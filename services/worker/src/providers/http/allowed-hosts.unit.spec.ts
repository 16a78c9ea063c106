import { AllowedHosts } from './allowed-hosts';

describe('AllowedHosts', () => {
  const allowed = new AllowedHosts(['api.example.com', 'Hooks.Example.org:8443', '*.internal.test', '127.0.0.1', '[::1]:8080']);

  it.each([
    ['https://api.example.com/deploy', true],
    ['http://API.example.com:9000/x', true],
    ['https://hooks.example.org:8443/', true],
    ['https://hooks.example.org/', false],
    ['https://a.b.internal.test/', true],
    ['https://internal.test/', false],
    ['https://evilinternal.test/', false],
    ['http://127.0.0.1:3000/', true],
    ['http://[::1]:8080/', true],
    ['http://[::1]:8081/', false],
    ['https://api.example.com.evil.net/', false],
    ['http://localhost/', false],
  ])('%s -> %s', (url, expected) => {
    expect(allowed.allows(new URL(url))).toBe(expected);
  });

  it('allows nothing by default', () => {
    expect(new AllowedHosts([]).allows(new URL('https://example.com/'))).toBe(false);
  });

  it('refuses a pattern it cannot read', () => {
    expect(() => new AllowedHosts(['https://example.com/path'])).toThrow(/is not a host name/);
  });
});
