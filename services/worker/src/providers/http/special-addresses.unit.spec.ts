import { isThisMachine, specialAddressKind } from './special-addresses';

describe('specialAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:2', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['10.0.0.1', undefined],
    ['192.168.1.10', undefined],
    ['93.184.216.34', undefined],
    ['128.0.0.1', undefined],
    ['169.255.0.1', undefined],
    ['2001:db8::1', undefined],
    ['fec0::1', undefined],
    ['::2', undefined],
  ])('%s -> %s', (address, kind) => {
    expect(specialAddressKind(address)).toBe(kind);
  });

  it('counts loopback and unspecified addresses as this machine, a documentation address not', () => {
    expect(isThisMachine('127.0.0.1')).toBe(true);
    expect(isThisMachine('::ffff:127.0.0.1')).toBe(true);
    expect(isThisMachine('0.0.0.0')).toBe(true);
    expect(isThisMachine('192.0.2.1')).toBe(false);
  });
});
