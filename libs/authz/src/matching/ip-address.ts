/** IPv4 and IPv6 addresses and CIDR ranges as integers, for `IpAddress`/`NotIpAddress`. */
export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface CidrRange {
  family: IpFamily;
  network: bigint;
  prefixLength: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  // A dual-stack socket reports IPv4 callers as ::ffff:a.b.c.d; they are IPv4 callers.
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

/** `203.0.113.0/24`, `2001:db8::/32`, or a single address (a /32 or /128). Host bits are ignored. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const family: IpFamily | undefined = parseIpv4(addressText) !== undefined ? 4 : parseIpv6(addressText) !== undefined ? 6 : undefined;
  if (family === undefined) return undefined;
  const value = family === 4 ? (parseIpv4(addressText) as bigint) : (parseIpv6(addressText) as bigint);
  const bits = BITS[family];
  let prefixLength = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
    prefixLength = Number(prefixText);
    if (prefixLength > bits) return undefined;
  }
  return { family, network: value & mask(bits, prefixLength), prefixLength };
}

export function cidrContains(range: CidrRange, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  return (address.value & mask(BITS[range.family], range.prefixLength)) === range.network;
}

function mask(bits: number, prefixLength: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefixLength)) - 1n);
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups: number[] = [];
  const readGroups = (parts: string[], allowTrailingIpv4: boolean): boolean => {
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index];
      if (allowTrailingIpv4 && index === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (v4 === undefined) return false;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
        groups.push(parseInt(part, 16));
      } else {
        return false;
      }
    }
    return true;
  };
  if (!readGroups(head, halves.length === 1)) return undefined;
  const headCount = groups.length;
  if (!readGroups(tail, true)) return undefined;
  const tailGroups = groups.splice(headCount);
  if (halves.length === 1) {
    if (groups.length !== 8) return undefined;
  } else {
    const missing = 8 - groups.length - tailGroups.length;
    if (missing < 1) return undefined;
    groups.push(...new Array<number>(missing).fill(0));
  }
  groups.push(...tailGroups);
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}
