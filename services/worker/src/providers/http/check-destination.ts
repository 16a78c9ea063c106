import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AllowedHosts } from './allowed-hosts';
import { isThisMachine, specialAddressKind } from './special-addresses';

/** The address a request is sent to: the one that was checked, never looked up again. */
export interface Destination {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to (`dns.lookup`, as the system resolves it, by default). */
export type HostLookup = (hostname: string) => Promise<Destination[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

export interface DestinationPolicy {
  allowed: AllowedHosts;
  /** Ports of this machine never called, whatever is listed: the platform's own. */
  refusedPorts: readonly number[];
  lookup: HostLookup;
}

export type CheckedDestination = { destination: Destination } | { refused: string };

/**
 * Whether `url` may be called, and at which address. The host must be allowed by name first (before
 * any lookup). Then every address it resolves to must be an ordinary one: a loopback, link-local
 * (the cloud metadata service) or unspecified address is called only when the allow-list names that
 * very address, so `localhost` or a name some DNS points at 127.0.0.1 is not enough. A port in
 * `refusedPorts` on this machine is refused even then.
 */
export async function checkDestination(url: URL, policy: DestinationPolicy): Promise<CheckedDestination> {
  if (!policy.allowed.allows(url)) {
    const hosts = policy.allowed.patterns.length === 0 ? 'no host is allowed (SLUICE_HTTP_ALLOWED_HOSTS is empty)' : `allowed: ${policy.allowed.patterns.join(', ')}`;
    return { refused: `host ${url.host} is not allowed (${hosts})` };
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literalFamily = isIP(literal);
  const addresses: Destination[] = literalFamily === 0 ? await policy.lookup(url.hostname) : [{ address: literal, family: literalFamily === 6 ? 6 : 4 }];
  const [first] = addresses;
  if (first === undefined) return { refused: `host ${url.hostname} resolves to no address` };
  for (const { address } of addresses) {
    const kind = specialAddressKind(address);
    const shown = address.includes(':') ? `[${address}]` : address;
    if (kind !== undefined && !policy.allowed.listsAddress(address, port)) {
      return { refused: `host ${url.hostname} resolves to ${address}, ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address, called only when SLUICE_HTTP_ALLOWED_HOSTS lists that address itself (${shown} or ${shown}:${port})` };
    }
    if (policy.refusedPorts.includes(Number(port)) && isThisMachine(address)) {
      return { refused: `${shown}:${port} is a port of this machine that Sluice itself listens on, never called` };
    }
  }
  return { destination: first };
}
