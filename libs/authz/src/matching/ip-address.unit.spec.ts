import { cidrContains, parseCidr, parseIpAddress } from './ip-address';

describe('IP addresses and CIDR ranges', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.114.0', false],
    ['10.1.2.3/8', '10.200.0.1', true], // host bits in the range are ignored
    ['198.51.100.7', '198.51.100.7', true], // a single address is a /32
    ['198.51.100.7', '198.51.100.8', false],
    ['0.0.0.0/0', '192.0.2.1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:DB8:0:0:0:0:0:1/128', '2001:db8::1', true],
    ['::/0', '::1', true],
    ['::ffff:0:0/96', '::ffff:192.0.2.1', false], // a mapped IPv4 caller is an IPv4 caller
    ['192.0.2.0/24', '::ffff:192.0.2.1', true],
    ['2001:db8::/32', '203.0.113.7', false], // families never match each other
    ['64:ff9b::192.0.2.0/120', '64:ff9b::c000:0201', true],
  ])('%s contains %s: %s', (range, address, expected) => {
    const cidr = parseCidr(range);
    const ip = parseIpAddress(address);
    expect(cidr && ip && cidrContains(cidr, ip)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', '010.0.0.1', '256.0.0.1', '10.0.0.0/', '10.0.0.0/08', '2001:db8::/129', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'gg::1', 'localhost', ''])(
    'refuses %j',
    (text) => expect(parseCidr(text)).toBeUndefined(),
  );
});
