import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a notification may be sent (decision 0044, security.md "no open proxy"): a rule's author chooses the URL,
 * so a target must not reach the platform's machine, its cloud's metadata service or its private network. A
 * loopback, link-local, unspecified or private address is refused unless the operator lists that very address in
 * `SLUICE_NOTIFICATION_ALLOWED_ADDRESSES` (tests list 127.0.0.1). The host is resolved once and the connection goes to
 * the address that was checked; redirects are not followed.
 */
export interface OutboundPolicy {
  /** Addresses allowed although special (`127.0.0.1`, `10.0.0.5`). */
  allowedAddresses: readonly string[];
  /**
   * Whole URLs (`http://127.0.0.1:4000/demo/notifications`) reached although their host is special: the embedded
   * platform's demo receiver, on its own gateway. Narrower than listing the address, which opens every port of it.
   */
  allowedUrls?: readonly string[];
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: number }>>;
}

const special: Array<[string, BlockList]> = [
  ['loopback', subnets(['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6'])],
  ['link-local', subnets(['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6'])],
  ['unspecified', subnets(['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6'])],
  ['private', subnets(['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['fc00::', 7, 'ipv6'])],
];

export function specialAddressKind(address: string): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return special.find(([, list]) => list.check(address, family))?.[0];
}

export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
}

/** The address to connect to for `host`, or OutboundRefused saying why not; `url`, when one of `allowedUrls`, may reach a special address. */
export async function checkedAddress(host: string, policy: OutboundPolicy, url?: URL): Promise<{ address: string; family: 4 | 6 }> {
  const exempt = url !== undefined && (policy.allowedUrls ?? []).includes(url.href);
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  const literalFamily = isIP(literal);
  const lookup = policy.lookup ?? (async (name: string) => dnsLookup(name, { all: true, verbatim: true }));
  const addresses = literalFamily === 0 ? await lookup(host) : [{ address: literal, family: literalFamily }];
  const [first] = addresses;
  if (first === undefined) throw new OutboundRefused(`host ${host} resolves to no address`);
  for (const { address } of addresses) {
    const kind = specialAddressKind(address);
    if (kind !== undefined && !exempt && !policy.allowedAddresses.includes(address)) {
      throw new OutboundRefused(`host ${host} resolves to ${address}, a ${kind} address, reached only when SLUICE_NOTIFICATION_ALLOWED_ADDRESSES lists it`);
    }
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function subnets(...entries: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}
