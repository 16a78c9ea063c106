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

  it('tells whether an entry is a given address itself, with its port or none', () => {
    expect(allowed.listsAddress('127.0.0.1', '3000')).toBe(true);
    expect(allowed.listsAddress('::ffff:127.0.0.1', '3000')).toBe(true);
    expect(allowed.listsAddress('127.0.0.2', '3000')).toBe(false);
    expect(allowed.listsAddress('::1', '8080')).toBe(true);
    expect(allowed.listsAddress('0:0:0:0:0:0:0:1', '8080')).toBe(true);
    expect(allowed.listsAddress('::1', '8081')).toBe(false);
    // A name or a pattern is not an address, whatever it resolves to.
    expect(new AllowedHosts(['localhost', '*.internal.test']).listsAddress('127.0.0.1', '80')).toBe(false);
  });

  it('allows nothing by default', () => {
    expect(new AllowedHosts([]).allows(new URL('https://example.com/'))).toBe(false);
  });

  it('refuses a pattern it cannot read', () => {
    expect(() => new AllowedHosts(['https://example.com/path'])).toThrow(/is not a host name/);
  });
});
