import { bindAddressFrom, urlHost } from './bind-address';

describe('bindAddressFrom', () => {
  it('listens on loopback unless SLUICE_BIND_ADDRESS says otherwise', () => {
    expect(bindAddressFrom({})).toBe('127.0.0.1');
    expect(bindAddressFrom({ SLUICE_BIND_ADDRESS: ' ' })).toBe('127.0.0.1');
    expect(bindAddressFrom({ SLUICE_BIND_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0');
    expect(bindAddressFrom({ SLUICE_BIND_ADDRESS: '::1' })).toBe('::1');
    expect(bindAddressFrom({ SLUICE_BIND_ADDRESS: 'executions.internal' })).toBe('executions.internal');
  });

  it('refuses what is neither an address nor a host name, naming the variable', () => {
    expect(() => bindAddressFrom({ SLUICE_BIND_ADDRESS: 'http://0.0.0.0' })).toThrow(/^SLUICE_BIND_ADDRESS: 'http:\/\/0.0.0.0' is neither/);
  });

  it('reaches a wildcard address on loopback', () => {
    expect([urlHost('0.0.0.0'), urlHost('::'), urlHost('127.0.0.1'), urlHost('::1')]).toEqual(['127.0.0.1', '[::1]', '127.0.0.1', '[::1]']);
  });
});
