import { AllowedHosts } from './allowed-hosts';
import { checkDestination, type Destination } from './check-destination';

describe('checkDestination', () => {
  /** A resolver from a table, recording what it was asked. */
  function lookupOf(table: Record<string, string[]>): { lookup: (hostname: string) => Promise<Destination[]>; asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      lookup: async (hostname) => {
        asked.push(hostname);
        return (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
    };
  }

  const table = {
    'hooks.example.com': ['93.184.216.34'],
    'localhost': ['127.0.0.1', '::1'],
    'metadata.internal.test': ['169.254.169.254'],
    'mapped.internal.test': ['::ffff:169.254.169.254'],
    'zero.internal.test': ['0.0.0.0'],
    'mixed.internal.test': ['10.0.0.8', '127.0.0.1'],
    'loop.internal.test': ['127.0.0.1'],
    'nothing.internal.test': [],
  };

  async function check(url: string, allowed: string[], refusedPorts: number[] = []) {
    const { lookup, asked } = lookupOf(table);
    return { result: await checkDestination(new URL(url), { allowed: new AllowedHosts(allowed), refusedPorts, lookup }), asked };
  }

  it('gives the address an allowed name resolves to', async () => {
    expect(await check('https://hooks.example.com/x', ['hooks.example.com'])).toEqual({ result: { destination: { address: '93.184.216.34', family: 4 } }, asked: ['hooks.example.com'] });
  });

  it('refuses a name that is not allowed without looking it up', async () => {
    expect(await check('https://evil.example.net/', ['hooks.example.com'])).toEqual({ result: { refused: 'host evil.example.net is not allowed (allowed: hooks.example.com)' }, asked: [] });
    expect((await check('https://evil.example.net/', [])).result).toEqual({ refused: 'host evil.example.net is not allowed (no host is allowed (SLUICE_HTTP_ALLOWED_HOSTS is empty))' });
  });

  it.each([
    ['http://localhost:8080/', ['localhost'], 'host localhost resolves to 127.0.0.1, a loopback address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (127.0.0.1 or 127.0.0.1:8080)'],
    ['http://localhost:8080/', ['localhost', '127.0.0.1'], 'host localhost resolves to ::1, a loopback address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself ([::1] or [::1]:8080)'],
    ['http://metadata.internal.test/latest/meta-data/', ['*.internal.test'], 'host metadata.internal.test resolves to 169.254.169.254, a link-local address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (169.254.169.254 or 169.254.169.254:80)'],
    ['http://mapped.internal.test/', ['*.internal.test'], 'host mapped.internal.test resolves to ::ffff:169.254.169.254, a link-local address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself ([::ffff:169.254.169.254] or [::ffff:169.254.169.254]:80)'],
    ['http://zero.internal.test/', ['*.internal.test'], 'host zero.internal.test resolves to 0.0.0.0, an unspecified address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (0.0.0.0 or 0.0.0.0:80)'],
    ['http://mixed.internal.test/', ['*.internal.test'], 'host mixed.internal.test resolves to 127.0.0.1, a loopback address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (127.0.0.1 or 127.0.0.1:80)'],
    ['http://loop.internal.test:9000/', ['*.internal.test', '127.0.0.1:8080'], 'host loop.internal.test resolves to 127.0.0.1, a loopback address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (127.0.0.1 or 127.0.0.1:9000)'],
    ['http://nothing.internal.test/', ['*.internal.test'], 'host nothing.internal.test resolves to no address'],
  ])('refuses %s with %j: it resolves to a special address not listed itself', async (url, allowed, refused) => {
    expect((await check(url, allowed)).result).toEqual({ refused });
  });

  it('calls a loopback or link-local address the allow-list names itself, with its port or none', async () => {
    expect((await check('http://loop.internal.test:8080/', ['*.internal.test', '127.0.0.1:8080'])).result).toEqual({ destination: { address: '127.0.0.1', family: 4 } });
    expect((await check('http://127.0.0.1:3000/', ['127.0.0.1'])).result).toEqual({ destination: { address: '127.0.0.1', family: 4 } });
    expect((await check('http://[::1]:8080/', ['[::1]:8080'])).result).toEqual({ destination: { address: '::1', family: 6 } });
    expect((await check('http://169.254.169.254/', ['169.254.169.254'])).result).toEqual({ destination: { address: '169.254.169.254', family: 4 } });
  });

  it("refuses the platform's own ports on this machine even when the address is listed", async () => {
    expect((await check('http://127.0.0.1:4000/graphql', ['127.0.0.1'], [4000])).result).toEqual({ refused: '127.0.0.1:4000 is a port of this machine that Sluice itself listens on, never called' });
    expect((await check('http://loop.internal.test:4000/', ['*.internal.test', '127.0.0.1'], [4000])).result).toEqual({ refused: '127.0.0.1:4000 is a port of this machine that Sluice itself listens on, never called' });
    expect((await check('http://127.0.0.1:4001/', ['127.0.0.1'], [4000])).result).toEqual({ destination: { address: '127.0.0.1', family: 4 } });
    expect((await check('https://hooks.example.com:4000/', ['hooks.example.com'], [4000])).result).toEqual({ destination: { address: '93.184.216.34', family: 4 } });
  });
});
