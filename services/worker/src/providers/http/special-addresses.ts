import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Addresses that reach this machine or its cloud's metadata service rather than another host. */
export type SpecialAddressKind = 'loopback' | 'link-local' | 'unspecified';

const kinds: Array<[SpecialAddressKind, BlockList]> = [
  ['loopback', subnets(['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6'])],
  // 169.254.169.254 is the metadata service of most clouds.
  ['link-local', subnets(['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6'])],
  // Connecting to 0.0.0.0 (or anything in 0.0.0.0/8) or :: reaches this machine on Linux.
  ['unspecified', subnets(['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6'])],
];

/** The kind of `address` when it is special; IPv4-mapped forms (`::ffff:127.0.0.1`) count as their IPv4 address. */
export function specialAddressKind(address: string): SpecialAddressKind | undefined {
  const family = familyOf(address);
  return kinds.find(([, list]) => list.check(address, family))?.[0];
}

/** Whether a connection to `address` ends on this machine: loopback, unspecified, or an address of one of its interfaces. */
export function isThisMachine(address: string): boolean {
  const kind = specialAddressKind(address);
  if (kind === 'loopback' || kind === 'unspecified') return true;
  const own = new BlockList();
  for (const entry of Object.values(networkInterfaces()).flat()) {
    if (entry !== undefined) own.addAddress(entry.address.replace(/%.*$/, ''), entry.family === 'IPv6' ? 'ipv6' : 'ipv4');
  }
  return own.check(address, familyOf(address));
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

function subnets(...entries: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}
